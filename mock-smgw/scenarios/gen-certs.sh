#!/bin/sh
# Regenerates the key material shipped with the scenarios. Run once; the files are committed
# so that every scenario keeps a stable HAN certificate (and thus a stable fingerprint).
# Usage: ./gen-certs.sh <scenario-dir> [client-name ...]
set -eu
dir=$1; shift
mkdir -p "$dir"; cd "$dir"
key() { openssl ecparam -name "$1" -genkey -noout | openssl pkcs8 -topk8 -nocrypt -out "$2"; }
# HAN TLS certificate: P-384, self-signed, like the CONEXA's.
if [ ! -f han-key.pem ]; then
  key secp384r1 han-key.pem
  openssl req -new -x509 -key han-key.pem -out han-cert.pem -days 7300 -sha384 \
    -subj "/CN=$(basename "$dir").smgw.local/O=mock-smgw" \
    -addext "basicConstraints=critical,CA:FALSE" \
    -addext "subjectAltName=DNS:localhost,DNS:smgw.local,IP:127.0.0.1,IP:::1" \
    -addext "keyUsage=critical,digitalSignature" -addext "extendedKeyUsage=serverAuth"
fi
# WAN signature certificates: a P-384 sub-CA and a P-256 seal/signature certificate it issued.
if [ ! -f wan-sub-ca.pem ]; then
  key secp384r1 wan-sub-ca-key.pem
  openssl req -new -x509 -key wan-sub-ca-key.pem -out wan-sub-ca.pem -days 7300 -sha384 \
    -subj "/CN=Mock SM-PKI Sub-CA/O=mock-smgw" -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
    -addext "keyUsage=critical,keyCertSign,cRLSign"
  key prime256v1 wan-sig-key.pem
  openssl req -new -key wan-sig-key.pem -subj "/CN=$(basename "$dir").sig/O=mock-smgw" -out sig.csr
  printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n' > sig.ext
  openssl x509 -req -in sig.csr -CA wan-sub-ca.pem -CAkey wan-sub-ca-key.pem -set_serial 4242 \
    -days 7300 -sha384 -extfile sig.ext -out wan-sig.pem
  rm -f sig.csr sig.ext wan-sub-ca-key.pem
fi
# Consumer client certificates (P-384), PEM plus modern and legacy PKCS#12, password "demo".
for c in "$@"; do
  [ -f "$c.pem" ] && continue
  key secp384r1 "$c-key.pem"
  openssl req -new -x509 -key "$c-key.pem" -out "$c.pem" -days 7300 -sha384 \
    -subj "/CN=$c.$(basename "$dir").consumer.sm/O=mock-smgw"
  openssl pkcs12 -export -in "$c.pem" -inkey "$c-key.pem" -out "$c-modern.p12" -passout pass:demo -name "$c"
  openssl pkcs12 -export -legacy -in "$c.pem" -inkey "$c-key.pem" -out "$c-legacy.p12" -passout pass:demo -name "$c"
done
