//! VDE AR 2418-6 XML, the data format of PTB's TRuDI: reader, validator and writer.
