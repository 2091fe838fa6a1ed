//! Errors of the reader.

use std::fmt;

/// Where in the input something happened: 1-based line and column (in bytes) and the byte
/// offset. Positions are those of the reader when it noticed the problem, i.e. at or just
/// after the offending token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Position {
    /// 1-based line.
    pub line: u64,
    /// 1-based column, counted in bytes.
    pub column: u64,
    /// 0-based byte offset.
    pub byte: u64,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {} (byte {})",
            self.line, self.column, self.byte
        )
    }
}

/// Why a file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file or stream could not be read.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// The input is not well-formed XML.
    #[error("malformed XML at {pos}: {message}")]
    Malformed {
        /// Where.
        pos: Position,
        /// What the XML parser said.
        message: String,
    },
    /// A DOCTYPE (and with it entity declarations) was found; refused to rule out entity
    /// expansion attacks. AR 2418-6 files never carry one.
    #[error("DOCTYPE declarations are not accepted (at {pos})")]
    Doctype {
        /// Where.
        pos: Position,
    },
    /// An entity reference other than the five predefined ones or a character reference.
    #[error("unknown entity reference &{name}; at {pos}")]
    UnknownEntity {
        /// The entity name.
        name: String,
        /// Where.
        pos: Position,
    },
    /// The declared encoding is not UTF-8.
    #[error("unsupported encoding {encoding:?} at {pos} (only UTF-8 is accepted)")]
    Encoding {
        /// The declared encoding.
        encoding: String,
        /// Where.
        pos: Position,
    },
    /// Elements nested deeper than the limit.
    #[error("elements nested deeper than {limit} levels at {pos}")]
    TooDeep {
        /// The configured limit.
        limit: usize,
        /// Where.
        pos: Position,
    },
    /// A single token (tag, text run, comment) or an element's text is larger than the limit.
    #[error("a single XML token or text is larger than {limit} bytes at {pos}")]
    TokenTooLarge {
        /// The configured limit.
        limit: usize,
        /// Where.
        pos: Position,
    },
    /// The whole input is larger than the limit.
    #[error("input larger than {limit} bytes")]
    InputTooLarge {
        /// The configured limit.
        limit: u64,
    },
    /// The root element is not `{http://vde.de/AR_2418-6.xsd}UsagePoints`.
    #[error("root element is {found}, expected UsagePoints in namespace {AR_NS} (at {pos})")]
    WrongRoot {
        /// The root element found (`{namespace}local`).
        found: String,
        /// Where.
        pos: Position,
    },
    /// An element the XSD requires is missing.
    #[error("required element <{element}> missing in <{parent}> ending at {pos}")]
    Missing {
        /// The missing element.
        element: &'static str,
        /// Its parent.
        parent: &'static str,
        /// End of the parent.
        pos: Position,
    },
    /// An element occurs more often than the XSD allows.
    #[error("element <{element}> occurs more than once in <{parent}> (at {pos})")]
    Duplicate {
        /// The repeated element.
        element: &'static str,
        /// Its parent.
        parent: &'static str,
        /// Where.
        pos: Position,
    },
    /// A value does not have the type the XSD prescribes.
    #[error("invalid value {value:?} in <{element}> at {pos}: expected {expected}")]
    InvalidValue {
        /// The element.
        element: String,
        /// The text found (truncated to 64 characters).
        value: String,
        /// What was expected.
        expected: &'static str,
        /// Where.
        pos: Position,
    },
    /// A simple-typed element contains a child element.
    #[error("unexpected element <{child}> inside <{element}> at {pos}")]
    UnexpectedChild {
        /// The text element.
        element: String,
        /// The child found.
        child: String,
        /// Where.
        pos: Position,
    },
    /// The input ended inside an element.
    #[error("unexpected end of input inside <{element}> at {pos}")]
    UnexpectedEof {
        /// The open element.
        element: String,
        /// Where.
        pos: Position,
    },
}

/// Namespace of AR 2418-6 elements.
pub const AR_NS: &str = "http://vde.de/AR_2418-6.xsd";
/// Namespace of NAESB ESPI elements.
pub const ESPI_NS: &str = "http://naesb.org/espi";

impl ReadError {
    /// The position, if the error has one.
    pub fn position(&self) -> Option<Position> {
        match self {
            ReadError::Io(_) | ReadError::InputTooLarge { .. } => None,
            ReadError::Malformed { pos, .. }
            | ReadError::Doctype { pos }
            | ReadError::UnknownEntity { pos, .. }
            | ReadError::Encoding { pos, .. }
            | ReadError::TooDeep { pos, .. }
            | ReadError::TokenTooLarge { pos, .. }
            | ReadError::WrongRoot { pos, .. }
            | ReadError::Missing { pos, .. }
            | ReadError::Duplicate { pos, .. }
            | ReadError::InvalidValue { pos, .. }
            | ReadError::UnexpectedChild { pos, .. }
            | ReadError::UnexpectedEof { pos, .. } => Some(*pos),
        }
    }
}
