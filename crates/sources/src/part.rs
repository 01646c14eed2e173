//! A walk's [`Select`] at work: which of the items met this process keeps,
//! whose errors it reports, and which planned items it never met.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Mutex;

use crate::{Event, Haystack, Opened, Select, SourceError};

/// This process's part of a split run.
pub(crate) struct Part<'a> {
    select: &'a Select,
    /// The arguments, by name: errors about them are every part's.
    args: HashSet<String>,
    /// A plan's items met so far (only for [`Select::Items`]): an item
    /// planned but never met is an error, not a silent gap.
    seen: Option<Mutex<HashSet<String>>>,
}

impl<'a> Part<'a> {
    pub(crate) fn new(select: &'a Select, args: &[&PathBuf]) -> Part<'a> {
        Part {
            select,
            args: args.iter().map(|p| p.display().to_string()).collect(),
            seen: matches!(select, Select::Items(_)).then(Mutex::default),
        }
    }

    fn owns(&self, name: &str) -> bool {
        let owned = self.select.owns(name);
        if owned {
            if let Some(seen) = &self.seen {
                lock(seen).insert(name.to_string());
            }
        }
        owned
    }

    /// A file met while walking (not an argument): a directory is walked
    /// by every part, a file by its owner only.
    pub(crate) fn owns_entry(&self, entry: &ignore::DirEntry) -> bool {
        entry.file_type().is_some_and(|ft| ft.is_dir())
            || self.owns(&entry.path().display().to_string())
    }

    /// An error is its item's owner's, or everyone's when the item is an
    /// argument (a part must not finish clean without its items).
    pub(crate) fn error(&self, e: SourceError) -> Option<SourceError> {
        let item = e.item();
        (self.args.contains(&item) || self.owns(&item)).then_some(e)
    }

    pub(crate) fn opened(&self, o: Opened) -> Opened {
        match o {
            Opened::File(h) if !self.owns(&h.display()) => Opened::Dir,
            Opened::Skip(s) if !self.owns(&s.path().display().to_string()) => Opened::Dir,
            Opened::Err(e) => self.error(e).map_or(Opened::Dir, Opened::Err),
            other => other,
        }
    }

    /// A remote source's event, if it is this part's. An object whose
    /// version is not the one its plan saw is an error, not scanned: the
    /// part scans the bytes planned or says why not.
    pub(crate) fn event(&self, e: Event) -> Option<Event> {
        match e {
            Event::Haystack(h) => {
                let name = h.display();
                if !self.owns(&name) {
                    return None;
                }
                if let (Some(planned), Haystack::Stream { version, .. }) =
                    (self.select.planned_version(&name), &h)
                {
                    if version.as_deref() != Some(planned) {
                        return Some(Event::Error(SourceError::Remote {
                            reason: format!(
                                "changed since it was planned (version {planned}, now {})",
                                version.as_deref().unwrap_or("unknown")
                            ),
                            name,
                        }));
                    }
                }
                Some(Event::Haystack(h))
            }
            Event::Error(e) => self.error(e).map(Event::Error),
            Event::Skipped(s) => self
                .owns(&s.path().display().to_string())
                .then_some(Event::Skipped(s)),
        }
    }

    /// After the whole walk: each planned item that was never met (deleted
    /// since the plan, or under no argument given) is one error.
    pub(crate) fn report_missing(&self, mut report: impl FnMut(SourceError) -> bool) {
        let (Select::Items(items), Some(seen)) = (self.select, &self.seen) else {
            return;
        };
        let seen = lock(seen);
        let mut missing: Vec<&str> = items.names().filter(|n| !seen.contains(*n)).collect();
        missing.sort_unstable();
        for name in missing {
            let gone = SourceError::Walk {
                path: PathBuf::from(name),
                reason: "planned, but not found under the paths given".into(),
            };
            if !report(gone) {
                return;
            }
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // Only inserts happen under it; a panicking walker thread fails the
    // run anyway.
    m.lock().unwrap_or_else(|p| p.into_inner())
}
