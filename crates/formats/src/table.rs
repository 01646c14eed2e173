//! A database table as one member: its rows, pushed by a source's reader
//! on its own thread, are rendered like a document's table (see
//! [`crate::render`]): CSV with the column names as the header, one line
//! per row, and a location map naming the table, the column, the row and
//! its key.
//!
//! No size limit applies: a table is what the user pointed the scan at,
//! not a container that could be a bomb, and its rows stream through a
//! bounded channel, so a table of any size is read in constant memory.

use std::io;

use bw_documents::{Shape, Sink};

use crate::error::Reason;
use crate::expand::Walker;
use crate::render::{self, Msg, Sender, Tap};

/// Where a table reader pushes its rows; each [`TableWriter::table`]
/// starts a member.
pub struct TableWriter {
    sender: Sender,
    rows: u64,
}

impl TableWriter {
    /// A table begins: its name as locations give it (`public.customers`)
    /// and its column names.
    pub fn table(&mut self, name: &str, columns: &[String]) -> io::Result<()> {
        self.rows = 0;
        self.sender.part(name, Shape::Table)?;
        let header: Vec<&str> = columns.iter().map(String::as_str).collect();
        self.sender.header(&header)
    }

    /// One row: its key (`id=42`), if the table has one, and its cells in
    /// column order, `None` for NULL. NULL and empty cells are left empty.
    pub fn row(&mut self, key: Option<&str>, cells: &[Option<&str>]) -> io::Result<()> {
        self.rows += 1;
        let cells = cells
            .iter()
            .enumerate()
            .filter_map(|(i, c)| c.filter(|t| !t.is_empty()).map(|t| (i as u32, t)));
        self.sender.csv_row(self.rows, key, cells)
    }

    /// Rows pushed since the current table began.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Shows `tap` every byte of rendered text (the header and the rows as
    /// CSV, exactly what the scanner reads), in order, from here on.
    pub fn tap(&mut self, tap: Tap) {
        self.sender.tap = Some(tap);
    }
}

impl<E> Walker<'_, E> {
    /// Runs `read` on its own thread and hands each table it pushes out
    /// as a member named `name`; its error (a lost connection, a failed
    /// query) is one error naming `name`, after what it pushed before was
    /// scanned.
    pub(crate) fn table(
        &mut self,
        name: &str,
        read: impl FnOnce(&mut TableWriter) -> Result<(), String> + Send,
    ) -> Result<(), E> {
        let gone = Reason::Read("the table reader ended early".into());
        let produce = move |tx| {
            let mut w = TableWriter {
                sender: Sender::new(tx, Shape::Table),
                rows: 0,
            };
            let read = read(&mut w);
            // Rows pushed before a failure are real data: send them too.
            let flushed = w.sender.flush();
            let res = match (read, flushed) {
                (Err(e), _) => Err(Reason::Read(e)),
                (Ok(()), Err(e)) => Err(Reason::Read(e.to_string())),
                (Ok(()), Ok(())) => Ok(()),
            };
            // Nobody listening means the scan stopped: nothing to report.
            let _ = w.sender.tx.send(Msg::Done(res));
        };
        render::with_reader(produce, |rx| self.parts(name, rx, &gone, 0, false))
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use crate::{expand_table, Event, Location, MemberError, Options, Reason};

    fn columns(names: &[&str]) -> Vec<String> {
        names.iter().map(|c| c.to_string()).collect()
    }

    /// Each member's name, rendered text and the location of every
    /// `needle` in it, and the errors.
    type Seen = (
        Vec<(String, String, Vec<Option<Location>>)>,
        Vec<MemberError>,
    );

    fn render(
        needle: &str,
        read: impl FnOnce(&mut super::TableWriter) -> Result<(), String> + Send,
    ) -> Seen {
        let mut members = Vec::new();
        let mut errors = Vec::new();
        let summary = expand_table("db://h/d#public.people", read, &Options::default(), |ev| {
            match ev {
                Event::Member(mut m) => {
                    let offsets = m.offsets();
                    let mut text = String::new();
                    m.read_to_string(&mut text)?;
                    let found = text
                        .match_indices(needle)
                        .map(|(at, _)| offsets.location(at as u64))
                        .collect();
                    members.push((m.name().to_string(), text, found));
                }
                Event::Error(e) => errors.push(e),
                Event::Notice(n) => panic!("notice {n}"),
            }
            Ok::<(), std::io::Error>(())
        })
        .expect("no visitor error");
        assert_eq!(summary.members, members.len() as u64);
        (members, errors)
    }

    fn at(column: &str, row: u64, key: Option<&str>) -> Option<Location> {
        Some(Location::Table {
            table: Some("public.people".into()),
            column: column.into(),
            row,
            key: key.map(Into::into),
        })
    }

    #[test]
    fn rows_render_as_csv_with_keys_in_their_locations() {
        let (members, errors) = render("ann@", |w| {
            let io = |e: std::io::Error| e.to_string();
            w.table("public.people", &columns(&["id", "email", "notes"]))
                .map_err(io)?;
            w.row(Some("id=7"), &[Some("7"), Some("ann@x.example"), None])
                .map_err(io)?;
            w.row(
                Some("id=9"),
                &[Some("9"), None, Some("mail ann@y.example, \"now\"")],
            )
            .map_err(io)?;
            w.row(None, &[Some(""), Some("ann@z.example"), Some("x")])
                .map_err(io)?;
            assert_eq!(w.rows(), 3);
            Ok(())
        });
        assert!(errors.is_empty(), "{errors:?}");
        let [(name, text, found)] = &members[..] else {
            panic!("one member: {members:?}")
        };
        assert_eq!(
            name, "db://h/d#public.people",
            "the table is the input itself"
        );
        assert_eq!(
            text,
            "id,email,notes\n7,ann@x.example\n9,,\"mail ann@y.example, \"\"now\"\"\"\n,ann@z.example,x\n"
        );
        assert_eq!(
            found,
            &[
                at("email", 1, Some("id=7")),
                at("notes", 2, Some("id=9")),
                at("email", 3, None)
            ]
        );
    }

    #[test]
    fn keys_stay_found_deep_into_a_long_table() {
        const ROWS: u64 = 400_000;
        const EVERY: u64 = 100_000;
        let read = |w: &mut super::TableWriter| {
            let io = |e: std::io::Error| e.to_string();
            w.table("public.people", &columns(&["id", "notes"]))
                .map_err(io)?;
            for i in 1..=ROWS {
                let (id, key) = (i.to_string(), format!("id={i}"));
                let notes = if i % EVERY == 0 {
                    "a needle"
                } else {
                    "hay hay"
                };
                w.row(Some(&key), &[Some(&id), Some(notes)]).map_err(io)?;
            }
            Ok(())
        };
        // Located as the scanner does: while reading, right after the
        // bytes were handed out (the map keeps a window, not all).
        let mut found = Vec::new();
        let mut total = 0u64;
        expand_table("t", read, &Options::default(), |ev| {
            if let Event::Member(mut m) = ev {
                let offsets = m.offsets();
                let mut buf = vec![0u8; 64 * 1024];
                // A needle is never cut: each row is far shorter than a
                // read, and reads end at chunk ends, which end rows.
                loop {
                    let n = m.read(&mut buf)?;
                    if n == 0 {
                        break;
                    }
                    let text = String::from_utf8_lossy(&buf[..n]).into_owned();
                    for (at, _) in text.match_indices("needle") {
                        found.push(offsets.location(total + at as u64));
                    }
                    total += n as u64;
                }
            }
            Ok::<(), std::io::Error>(())
        })
        .expect("no visitor error");
        assert!(total > 4 << 20, "{total} bytes: past the map's window");
        let want: Vec<_> = (1..=ROWS / EVERY)
            .map(|k| at("notes", k * EVERY, Some(&format!("id={}", k * EVERY))))
            .collect();
        assert_eq!(found, want);
    }

    #[test]
    fn the_tap_sees_exactly_the_text_the_scanner_reads() {
        let tapped = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = std::sync::Arc::clone(&tapped);
        let (members, _) = render("needle", move |w| {
            w.tap(Box::new(move |chunk| {
                sink.lock().expect("tap").extend_from_slice(chunk)
            }));
            let io = |e: std::io::Error| e.to_string();
            w.table("public.people", &columns(&["id", "notes"]))
                .map_err(io)?;
            for i in 0..20_000u32 {
                let id = i.to_string();
                w.row(None, &[Some(&id), Some("a \"quoted\", note")])
                    .map_err(io)?;
            }
            Ok(())
        });
        let text = &members[0].1;
        assert!(text.len() > 3 * 64 * 1024, "several chunks");
        assert_eq!(*tapped.lock().expect("tap"), text.as_bytes());
    }

    #[test]
    fn a_failing_reader_is_one_error_after_its_rows() {
        let (members, errors) = render("ann@", |w| {
            let io = |e: std::io::Error| e.to_string();
            w.table("public.people", &columns(&["email"])).map_err(io)?;
            w.row(Some("id=1"), &[Some("ann@x.example")]).map_err(io)?;
            Err("connection reset".into())
        });
        assert_eq!(members.len(), 1);
        assert_eq!(members[0].2, [at("email", 1, Some("id=1"))]);
        assert_eq!(
            errors,
            [MemberError {
                name: "db://h/d#public.people".into(),
                reason: Reason::Read("connection reset".into()),
            }]
        );
    }

    #[test]
    fn a_reader_that_panics_is_reported_not_propagated() {
        let (_, errors) = render("x", |_| panic!("driver bug"));
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].name, "db://h/d#public.people");
    }
}
