//! Per-member errors and notices.

use std::fmt;
use std::io;

use crate::limits::LimitKind;
use crate::sniff::Format;

/// Why a member (or a whole archive) could not be read to its end.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Reason {
    #[error("{which} limit exceeded (limit {limit})")]
    LimitExceeded { which: LimitKind, limit: u64 },
    #[error("truncated {format} data")]
    Truncated { format: Format },
    #[error("corrupt {format} data: {detail}")]
    Corrupt { format: Format, detail: String },
    #[error("unsupported {format} content: {detail}")]
    Unsupported { format: Format, detail: String },
    #[error("read error: {0}")]
    Read(String),
    /// A document reader stopped at one of its bounds (`detail` says which:
    /// `stopped at the 4 GiB inflate limit`); what it read was scanned.
    #[error("{format} {detail}")]
    Stopped { format: Format, detail: String },
    /// Password-protected: reported so that a person opens it, and counted
    /// as an error (the scan cannot vouch for what it holds).
    #[error("encrypted {format}, not scanned")]
    Encrypted { format: Format },
}

impl Reason {
    /// The reason for an I/O error raised by a reader of `format` data.
    pub(crate) fn of_io(format: Format, e: &io::Error) -> Reason {
        if let Some(f) = Failure::from_io(e) {
            return f.reason.clone();
        }
        match e.kind() {
            io::ErrorKind::UnexpectedEof => Reason::Truncated { format },
            // A codec this build does not carry (zip 9 says so as I/O).
            io::ErrorKind::Unsupported => Reason::Unsupported {
                format,
                detail: e.to_string(),
            },
            io::ErrorKind::InvalidData | io::ErrorKind::InvalidInput | io::ErrorKind::Other => {
                Reason::Corrupt {
                    format,
                    detail: e.to_string(),
                }
            }
            _ => Reason::Read(e.to_string()),
        }
    }
}

/// A member that failed, and why. The bytes it produced before the failure
/// were delivered (and scanned) as usual; the rest of the input goes on.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{name}: {reason}")]
pub struct MemberError {
    /// The member's name, as in [`crate::Member::name`]; for an error of the
    /// archive itself (a corrupt tar header, a member-count limit), the
    /// archive's name.
    pub name: String,
    pub reason: Reason,
}

/// Something about a member that is not an error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoticeKind {
    /// The name is absolute or climbs out with `..`. The member is still
    /// delivered (it is only read, never written anywhere).
    UnsafePath,
    /// A symbolic link; skipped, never followed.
    Symlink { target: String },
    /// A tar hard link; skipped, never followed.
    Hardlink { target: String },
    /// A device, fifo or other special entry; skipped.
    Special { kind: String },
}

/// A notice about a member: see [`NoticeKind`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub name: String,
    pub kind: NoticeKind,
}

impl fmt::Display for Notice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            NoticeKind::UnsafePath => write!(
                f,
                "{}: unsafe path (absolute or `..`), scanned but never extracted",
                self.name
            ),
            NoticeKind::Symlink { target } => {
                write!(f, "{}: symbolic link to {target:?}, skipped", self.name)
            }
            NoticeKind::Hardlink { target } => {
                write!(f, "{}: hard link to {target:?}, skipped", self.name)
            }
            NoticeKind::Special { kind } => write!(f, "{}: {kind}, skipped", self.name),
        }
    }
}

/// A failure travelling up through readers inside an `io::Error`. The id
/// lets the outermost reader that sees it report it once.
#[derive(Clone, Debug, thiserror::Error)]
#[error("{reason}")]
pub(crate) struct Failure {
    pub id: u64,
    pub reason: Reason,
}

impl Failure {
    pub fn into_io(self) -> io::Error {
        io::Error::other(self)
    }

    pub fn from_io(e: &io::Error) -> Option<&Failure> {
        e.get_ref()
            .and_then(|inner| inner.downcast_ref::<Failure>())
    }
}
