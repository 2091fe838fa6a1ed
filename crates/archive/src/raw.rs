//! Raw responses: stored zlib-compressed with the SHA-256 of the uncompressed bytes.

use std::io::{Read, Write};

use flate2::read::ZlibDecoder;
use flate2::write::ZlibEncoder;
use flate2::Compression;
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::error::{ArchiveError, Result};
use crate::open::{col, Archive};
use crate::time::{from_secs, opt_u16, secs};
use crate::types::{ConsumerId, GatewayId, RawResponse, RawResponseId, StoredRawResponse};

pub(crate) fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

fn compress(data: &[u8]) -> Result<Vec<u8>> {
    let mut enc = ZlibEncoder::new(Vec::with_capacity(data.len() / 4 + 64), Compression::fast());
    enc.write_all(data).map_err(ArchiveError::Compress)?;
    enc.finish().map_err(ArchiveError::Compress)
}

/// Decompresses at most `size + 1` bytes, so a damaged row cannot blow up memory.
fn decompress(id: i64, data: &[u8], size: u64) -> Result<Vec<u8>> {
    let damaged = |detail: String| ArchiveError::RawDamaged { id, detail };
    let mut out = Vec::new();
    ZlibDecoder::new(data)
        .take(size.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|e| damaged(format!("cannot decompress: {e}")))?;
    if out.len() as u64 != size {
        return Err(damaged(format!(
            "decompressed to {} bytes, expected {size}",
            out.len()
        )));
    }
    Ok(out)
}

pub(crate) async fn insert_raw(
    conn: &mut sqlx::SqliteConnection,
    raw: &RawResponse<'_>,
) -> Result<RawResponseId> {
    let packed = compress(raw.body)?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO raw_response (gateway_id, consumer_id, method, request, http_status, \
         received_at, size, sha256, body_zlib) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(raw.gateway.map(|g| g.0))
    .bind(raw.consumer.map(|c| c.0))
    .bind(raw.method)
    .bind(raw.request)
    .bind(raw.http_status.map(i64::from))
    .bind(secs(raw.received_at))
    .bind(raw.body.len() as i64)
    .bind(sha256_hex(raw.body))
    .bind(packed)
    .fetch_one(&mut *conn)
    .await?;
    Ok(RawResponseId(id))
}

impl Archive {
    /// Stores one response body as received (compressed, with its SHA-256).
    pub async fn store_raw_response(&self, raw: &RawResponse<'_>) -> Result<RawResponseId> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let id = insert_raw(&mut tx, raw).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Reads a raw response back, decompressed and verified against its SHA-256.
    pub async fn raw_response(&self, id: RawResponseId) -> Result<StoredRawResponse> {
        let row = sqlx::query(
            "SELECT gateway_id, consumer_id, method, request, http_status, received_at, size, \
             sha256, body_zlib FROM raw_response WHERE id = ?",
        )
        .bind(id.0)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(ArchiveError::NotFound {
            what: "raw response",
            id: id.0,
        })?;
        let size: i64 = col(&row, "size")?;
        let sha256: String = col(&row, "sha256")?;
        let packed: Vec<u8> = col(&row, "body_zlib")?;
        let body = decompress(id.0, &packed, u64::try_from(size).unwrap_or(0))?;
        if sha256_hex(&body) != sha256 {
            return Err(ArchiveError::RawDamaged {
                id: id.0,
                detail: "SHA-256 of the body does not match".into(),
            });
        }
        Ok(StoredRawResponse {
            id,
            gateway: row.try_get::<Option<i64>, _>("gateway_id")?.map(GatewayId),
            consumer: row
                .try_get::<Option<i64>, _>("consumer_id")?
                .map(ConsumerId),
            method: col(&row, "method")?,
            request: col(&row, "request")?,
            http_status: opt_u16(col(&row, "http_status")?, "http_status")?,
            received_at: from_secs(col(&row, "received_at")?, "received_at")?,
            sha256,
            body,
        })
    }

    /// Ids of the raw responses fetched by a consumer's sessions, oldest first.
    pub async fn raw_response_ids(&self, consumer: ConsumerId) -> Result<Vec<RawResponseId>> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM raw_response WHERE consumer_id = ? ORDER BY received_at, id",
        )
        .bind(consumer.0)
        .fetch_all(&self.pool)
        .await?;
        Ok(ids.into_iter().map(RawResponseId).collect())
    }

    /// Ids of all raw responses in the archive (any gateway or consumer, also those stored
    /// before the consumer was known), oldest first.
    pub async fn all_raw_response_ids(&self) -> Result<Vec<RawResponseId>> {
        let ids: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM raw_response ORDER BY received_at, id")
                .fetch_all(&self.pool)
                .await?;
        Ok(ids.into_iter().map(RawResponseId).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compression_round_trips_and_shrinks_repetitive_json() {
        let body = br#"{"method":"readings","readings":{"records":"2"}}"#.repeat(100);
        let packed = compress(&body).unwrap();
        assert!(packed.len() < body.len() / 5, "{} bytes", packed.len());
        assert_eq!(decompress(1, &packed, body.len() as u64).unwrap(), body);
    }

    #[test]
    fn decompress_refuses_wrong_size_and_garbage() {
        let packed = compress(b"hello").unwrap();
        assert!(matches!(
            decompress(7, &packed, 4),
            Err(ArchiveError::RawDamaged { id: 7, .. })
        ));
        assert!(decompress(7, b"not zlib at all", 5).is_err());
    }
}
