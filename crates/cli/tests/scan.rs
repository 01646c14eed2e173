//! `breachwatch scan` end to end: output contract, exit codes and bad input.
//! Each test runs the real binary on files it writes itself.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;
use std::time::Duration;

use common::{is_root, Scratch};

const CARD: &str = "4111 1111 1111 1111";
const MAIL: &str = "jane.doe@example.com";

#[test]
fn jsonl_offsets_point_at_the_raw_bytes_and_values_stay_redacted() {
    let s = Scratch::new();
    let text = format!("order 991\ncustomer: {MAIL}\ncard: {CARD}\n");
    s.write("leak/a.txt", text.as_bytes());
    let r = s.run(&["scan", "leak", "--format", "jsonl"]);
    assert_eq!(r.code, 1, "findings exit 1; stderr: {}", r.stderr);
    let findings = r.jsonl();
    assert_eq!(findings.len(), 2, "{}", r.stdout);
    for f in &findings {
        assert_eq!(f["path"], "leak/a.txt");
        let (start, end) = (
            f["start"].as_u64().unwrap_or(0) as usize,
            f["end"].as_u64().unwrap_or(0) as usize,
        );
        let raw = &text[start..end];
        match f["kind"].as_str() {
            Some("email") => assert_eq!(raw, MAIL),
            Some("payment_card") => assert_eq!(raw, CARD),
            other => panic!("unexpected kind {other:?}"),
        }
        assert!(f["score"].as_f64().unwrap_or(0.0) >= 0.5);
        assert!(f["detector"].is_string());
        assert!(f.get("value").is_none());
    }
    assert!(
        !r.stdout.contains(MAIL) && !r.stdout.contains(CARD),
        "raw values leaked: {}",
        r.stdout
    );

    let revealed = s.run(&["scan", "leak", "--format", "jsonl", "--reveal"]);
    assert!(revealed.stdout.contains(MAIL));
}

#[test]
fn clean_input_exits_zero_and_kinds_filter() {
    let s = Scratch::new();
    s.write("a.txt", format!("nothing here\ncard {CARD}\n").as_bytes());
    s.write("empty.txt", b"");
    let r = s.run(&[
        "scan",
        "a.txt",
        "empty.txt",
        "--format",
        "jsonl",
        "--kinds",
        "email",
    ]);
    assert_eq!(r.code, 0, "stderr: {}", r.stderr);
    assert!(r.stdout.is_empty());
    let r = s.run(&["scan", "empty.txt"]);
    assert_eq!(r.code, 0, "an empty file is clean; stderr: {}", r.stderr);
    let r = s.run(&["scan", "a.txt", "--kinds", "email,shoe_size"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("shoe_size"), "{}", r.stderr);
}

#[test]
fn missing_path_is_an_error_but_the_rest_is_scanned() {
    let s = Scratch::new();
    s.write("a.txt", format!("card {CARD}\n").as_bytes());
    let r = s.run(&["scan", "does-not-exist", "a.txt", "--format", "jsonl"]);
    assert_eq!(r.code, 2, "an error wins over findings");
    assert_eq!(
        r.found(),
        vec![("a.txt".to_string(), "payment_card".to_string())]
    );
    let err_lines: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.contains("does-not-exist"))
        .collect();
    assert_eq!(err_lines.len(), 1, "one line naming the item: {}", r.stderr);
    assert!(err_lines[0].contains("No such file"), "{}", r.stderr);
}

#[test]
fn invalid_utf8_does_not_hide_findings_or_shift_offsets() {
    let s = Scratch::new();
    let mut bytes = vec![0xc3, 0x28, 0xa0, 0xa1, 0xff, b' '];
    let at = bytes.len();
    bytes.extend_from_slice(CARD.as_bytes());
    bytes.extend_from_slice(&[b' ', 0x80, 0x80, b'\n']);
    s.write("bad.bin.txt", &bytes);
    let r = s.run(&["scan", "bad.bin.txt", "--format", "jsonl"]);
    assert_eq!(r.code, 1, "stderr: {}", r.stderr);
    let f = &r.jsonl()[0];
    assert_eq!(f["start"].as_u64(), Some(at as u64));
    assert_eq!(f["end"].as_u64(), Some((at + CARD.len()) as u64));
}

#[test]
fn binary_files_are_skipped_unless_asked() {
    let s = Scratch::new();
    let mut bytes = b"\x00\x01\x02ELF".to_vec();
    bytes.extend_from_slice(format!(" card {CARD} ").as_bytes());
    s.write("blob", &bytes);
    let r = s.run(&["scan", "blob", "--format", "jsonl"]);
    assert_eq!(r.code, 0, "stderr: {}", r.stderr);
    assert!(r.stderr.contains("1 binary files skipped"), "{}", r.stderr);
    let r = s.run(&["scan", "blob", "--format", "jsonl", "--binary"]);
    assert_eq!(r.code, 1);
}

#[test]
fn max_filesize_skips_and_counts() {
    let s = Scratch::new();
    s.write(
        "big.txt",
        format!("{}{CARD}\n", " ".repeat(5000)).as_bytes(),
    );
    s.write("small.txt", format!("{CARD}\n").as_bytes());
    let r = s.run(&["scan", ".", "--format", "jsonl", "--max-filesize", "1K"]);
    assert_eq!(
        r.found(),
        vec![("./small.txt".to_string(), "payment_card".to_string())]
    );
    assert!(r.stderr.contains("1 files skipped"), "{}", r.stderr);
}

#[test]
fn stdin_is_scanned_with_dash() {
    let s = Scratch::new();
    let mut child = s
        .cmd(&["scan", "-", "--format", "jsonl"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("x {MAIL} y").as_bytes())
        .expect("write stdin");
    let r = common::Run::from(child.wait_with_output().expect("wait"));
    assert_eq!(
        r.found(),
        vec![("<stdin>".to_string(), "email".to_string())]
    );
}

#[cfg(unix)]
#[test]
fn symlinks_dangling_and_looping() {
    use std::os::unix::fs::symlink;
    let s = Scratch::new();
    s.write("tree/a.txt", format!("{CARD}\n").as_bytes());
    symlink(s.path("tree/nowhere"), s.path("tree/dangling")).expect("symlink");
    symlink(s.path("tree"), s.path("tree/loop")).expect("symlink");
    // Not following links (the default), links inside a tree are passed over quietly.
    let r = s.run(&["scan", "tree", "--format", "jsonl"]);
    assert_eq!(r.code, 1, "stderr: {}", r.stderr);
    assert_eq!(
        r.found(),
        vec![("tree/a.txt".to_string(), "payment_card".to_string())]
    );
    assert!(
        r.stderr.lines().count() <= 1,
        "only the summary: {}",
        r.stderr
    );
    // Following links, the loop and the dangling link are each reported once.
    let r = s.run(&["scan", "tree", "--format", "jsonl", "--follow"]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.found(),
        vec![("tree/a.txt".to_string(), "payment_card".to_string())]
    );
    assert!(r.stderr.contains("loop"), "{}", r.stderr);
    assert!(r.stderr.contains("dangling"), "{}", r.stderr);
    // A dangling link named as an argument is an error naming it.
    let r = s.run(&["scan", "tree/dangling"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("tree/dangling") && r.stderr.contains("No such file"),
        "{}",
        r.stderr
    );
}

#[cfg(unix)]
#[test]
fn fifos_and_devices() {
    let s = Scratch::new();
    s.write("tree/a.txt", format!("{CARD}\n").as_bytes());
    let fifo = s.fifo("tree/pipe");
    // Met while walking: skipped (never blocks on a FIFO nobody writes to).
    let r = s.run(&["scan", "tree", "--format", "jsonl"]);
    assert_eq!(r.code, 1, "stderr: {}", r.stderr);
    assert!(r.stderr.contains("1 files skipped"), "{}", r.stderr);
    // A device named explicitly is refused, not read forever.
    let r = s.run(&["scan", "/dev/zero"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("/dev/zero") && r.stderr.contains("device"),
        "{}",
        r.stderr
    );
    // A FIFO named explicitly is read (as `<(cmd)` arrives).
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(fifo, format!("{MAIL}\n")).expect("write fifo"))
    };
    let r = s.run(&["scan", "tree/pipe", "--format", "jsonl"]);
    writer.join().expect("writer");
    assert_eq!(
        r.found(),
        vec![("tree/pipe".to_string(), "email".to_string())]
    );
}

#[cfg(unix)]
#[test]
fn unreadable_file_is_reported_and_the_rest_scanned() {
    use std::os::unix::fs::PermissionsExt;
    let s = Scratch::new();
    let tree = s.path("tree");
    s.write("tree/a.txt", format!("{CARD}\n").as_bytes());
    let secret = s.write("tree/secret.txt", format!("{MAIL}\n").as_bytes());
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    for p in [s.dir.path(), tree.as_path()] {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    std::fs::set_permissions(tree.join("a.txt"), std::fs::Permissions::from_mode(0o644))
        .expect("chmod");
    // Root reads anything; drop to `nobody` so the permission check is real.
    // `nobody` may not reach the build directory (a clone under /root), so
    // it runs a copy of the binary from the scratch directory.
    let mut cmd = if is_root() {
        let bin = s.path("breachwatch");
        std::fs::copy(env!("CARGO_BIN_EXE_breachwatch"), &bin).expect("copy binary");
        std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        let mut c = std::process::Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&bin);
        c
    } else {
        std::process::Command::new(env!("CARGO_BIN_EXE_breachwatch"))
    };
    let out = cmd
        .args(["scan", "tree", "--format", "jsonl"])
        .current_dir(s.dir.path())
        .env("BREACHWATCH_HOME", "/nonexistent/breachwatch-home")
        .output()
        .expect("run breachwatch");
    let r = common::Run::from(out);
    assert_eq!(r.code, 2, "stdout: {} stderr: {}", r.stdout, r.stderr);
    assert_eq!(
        r.found(),
        vec![("tree/a.txt".to_string(), "payment_card".to_string())]
    );
    assert!(
        r.stderr.contains("tree/secret.txt") && r.stderr.contains("Permission denied"),
        "{}",
        r.stderr
    );
}

#[test]
fn closed_pipe_ends_quietly() {
    let s = Scratch::new();
    let mut text = String::new();
    for i in 0..20_000 {
        text.push_str(&format!("row {i} {CARD}\n"));
    }
    s.write("many.txt", text.as_bytes());
    let mut child = s
        .cmd(&["scan", "many.txt", "--format", "jsonl"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut first)
        .expect("read one line");
    // Dropping the reader closes the pipe, as `| head -1` does.
    let out = child.wait_with_output().expect("wait");
    assert!(first.contains("payment_card"));
    assert_ne!(out.status.code(), Some(2));
    assert!(
        out.stderr.is_empty(),
        "quiet on a closed pipe: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A 1 GiB line through stdin: found at the far end, in bounded memory.
#[test]
fn a_one_gib_single_line_is_scanned_in_bounded_memory() {
    const SIZE: usize = 1 << 30;
    let s = Scratch::new();
    let mut child = s
        .cmd(&["scan", "-", "--format", "jsonl", "--quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let pid = child.id();
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        let block = vec![b'x'; 1 << 20];
        for _ in 0..SIZE / block.len() {
            stdin.write_all(&block).expect("write block");
        }
        stdin
            .write_all(format!(" {CARD} ").as_bytes())
            .expect("write tail");
    });
    let mut peak_kb = 0u64;
    while !writer.is_finished() {
        peak_kb = peak_kb.max(vm_hwm_kb(pid).unwrap_or(0));
        std::thread::sleep(Duration::from_millis(50));
    }
    writer.join().expect("writer");
    peak_kb = peak_kb.max(vm_hwm_kb(pid).unwrap_or(0));
    let r = common::Run::from(child.wait_with_output().expect("wait"));
    assert_eq!(r.code, 1, "stderr: {}", r.stderr);
    let f = &r.jsonl()[0];
    assert_eq!(f["start"].as_u64(), Some(SIZE as u64 + 1));
    assert!(peak_kb > 0, "could read the child's memory high-water mark");
    assert!(peak_kb < 200 * 1024, "peak RSS {peak_kb} KiB");
}

fn vm_hwm_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn compressed_members_are_named_and_truncation_reported() {
    use flate2::{write::GzEncoder, Compression};
    let s = Scratch::new();
    let mut gz = GzEncoder::new(Vec::new(), Compression::fast());
    let text = format!(
        "{}card {CARD}\n{}",
        "x".repeat(100_000),
        "y".repeat(100_000)
    );
    gz.write_all(text.as_bytes()).expect("compress");
    let bytes = gz.finish().expect("finish gzip");
    s.write("logs.gz", &bytes);
    let r = s.run(&["scan", "logs.gz", "--format", "jsonl"]);
    assert_eq!(r.code, 1, "stderr: {}", r.stderr);
    let found = r.jsonl();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["path"], "logs.gz!logs");
    // Offsets are into the decompressed member.
    assert_eq!(found[0]["start"].as_u64(), Some(100_005));
    // Cut the stream inside the trailing run of `y`: what came before is
    // scanned, the truncation is one error naming the member.
    s.write("cut.gz", &bytes[..bytes.len() - 20]);
    let r = s.run(&["scan", "cut.gz", "--format", "jsonl"]);
    assert_eq!(r.code, 2, "stderr: {}", r.stderr);
    assert_eq!(
        r.found(),
        vec![("cut.gz!cut".to_string(), "payment_card".to_string())]
    );
    assert_eq!(
        r.stderr.lines().filter(|l| l.contains("cut.gz")).count(),
        1,
        "{}",
        r.stderr
    );
}

#[test]
fn utf16_is_decoded_and_offsets_refer_to_the_raw_bytes() {
    let s = Scratch::new();
    let text = format!("Kundé: {MAIL}\r\n");
    let mut bytes = vec![0xff, 0xfe];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    s.write("export.txt", &bytes);
    let r = s.run(&["scan", "export.txt", "--format", "jsonl"]);
    assert_eq!(r.code, 1, "stderr: {}", r.stderr);
    let f = &r.jsonl()[0];
    let start = 2 + 2 * "Kundé: ".encode_utf16().count() as u64;
    assert_eq!(f["start"].as_u64(), Some(start));
    assert_eq!(f["end"].as_u64(), Some(start + 2 * MAIL.len() as u64));
}

/// The reference quoted-printable decoding of a raw span (soft breaks
/// dropped, `=XX` escapes decoded), independent of bw-formats' streaming one.
fn qp_decode(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw).replace("=\r\n", "");
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let hex = b
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b[i], hex) {
            (b'=', Some(v)) => {
                out.push(v);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn quoted_printable_mail_is_decoded_and_offsets_refer_to_the_raw_bytes() {
    let s = Scratch::new();
    // The address is cut by a soft line break and its `@` escaped; the
    // name is cut inside the surname. Undecoded, neither is findable.
    let mail = "From: Northwind Support <support@example.org>\r\n\
        To: customer-care@example.org\r\n\
        Subject: =?utf-8?q?refund?=\r\n\
        MIME-Version: 1.0\r\n\
        Content-Type: text/plain; charset=utf-8\r\n\
        Content-Transfer-Encoding: quoted-printable\r\n\
        \r\n\
        Hello,=20please refund my order.\r\n\
        \r\n\
        Name: Margaret Thomp=\r\n\
        son\r\n\
        Email: margaret.thomp=\r\n\
        son=40example.com\r\n\
        \r\n\
        Thanks\r\n";
    s.write("inbox/refund.eml", mail.as_bytes());
    let r = s.run(&["scan", "inbox", "--format", "jsonl", "--reveal"]);
    assert_eq!(r.code, 1, "stderr: {}", r.stderr);
    let findings = r.jsonl();
    let mut seen = Vec::new();
    for f in &findings {
        let (start, end) = (
            f["start"].as_u64().unwrap_or(0) as usize,
            f["end"].as_u64().unwrap_or(0) as usize,
        );
        let value = f["value"].as_str().unwrap_or("");
        assert_eq!(
            qp_decode(&mail.as_bytes()[start..end]),
            value,
            "raw span {start}..{end} of {f}"
        );
        seen.push((f["kind"].as_str().unwrap_or("").to_string(), start, value));
    }
    let body_mail = mail.find("margaret.thomp=").unwrap_or(0);
    let body_name = mail.find("Margaret Thomp=").unwrap_or(0);
    assert!(
        seen.contains(&("email".into(), body_mail, "margaret.thompson@example.com")),
        "{seen:?}"
    );
    assert!(
        seen.contains(&("person_name".into(), body_name, "Margaret Thompson")),
        "{seen:?}"
    );
}

/// Files named `.json`/`.ndjson` that are not JSON are scanned as the text
/// they are (binary garbage is skipped like any binary file): nothing
/// stops, and the other files' findings are intact.
#[test]
fn json_that_is_not_json_falls_back_to_text_and_the_rest_is_scanned() {
    let s = Scratch::new();
    let prose = format!("This export failed. Contact {MAIL} for the file.\n");
    s.write("leak/prose.json", prose.as_bytes());
    let full = format!(
        "{{\"orders\": [{{\"id\": 1, \"customer\": {{\"email\": \"{MAIL}\", \"card\": \"{CARD}\"}}}}, {{\"id\": 2, \"customer\": {{\"email\": \"ma"
    );
    s.write("leak/truncated.json", full.as_bytes());
    let ndjson = format!("{{\"a\": 1}}\n{{\"b\": [1, 2\nnot json at all {CARD}\n}}}}}}]]\n");
    s.write("leak/broken.ndjson", ndjson.as_bytes());
    // Pseudo-random bytes, some NUL: binary, skipped.
    let mut x = 0x2545_f491_4f6c_dd1du64;
    let garbage: Vec<u8> = (0..64 * 1024)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 32) as u8
        })
        .collect();
    let mut binary = garbage.clone();
    binary.extend_from_slice(format!(" {MAIL} ").as_bytes());
    s.write("leak/garbage.json", &binary);
    // The same without NUL bytes is text to the scanner: the address after
    // 64 KiB of noise is still found at its exact offset.
    let mut noisy: Vec<u8> = garbage.iter().map(|b| b | 0x80).collect();
    let at = noisy.len() + 1;
    noisy.extend_from_slice(format!(" {MAIL} ").as_bytes());
    s.write("leak/noise.ndjson", &noisy);
    s.write(
        "leak/good.csv",
        format!("id,email\n1,{MAIL}\n2,other.person@example.com\n").as_bytes(),
    );
    let r = s.run(&["scan", "leak", "--format", "jsonl"]);
    assert_eq!(r.code, 1, "not an error, findings; stderr: {}", r.stderr);
    let found = r.found();
    let count =
        |path: &str, kind: &str| found.iter().filter(|(p, k)| p == path && k == kind).count();
    assert_eq!(count("leak/prose.json", "email"), 1, "{found:?}");
    assert_eq!(count("leak/truncated.json", "email"), 1, "{found:?}");
    assert_eq!(count("leak/truncated.json", "payment_card"), 1, "{found:?}");
    assert_eq!(count("leak/broken.ndjson", "payment_card"), 1, "{found:?}");
    assert_eq!(count("leak/good.csv", "email"), 2, "{found:?}");
    assert!(
        !found.iter().any(|(p, _)| p == "leak/garbage.json"),
        "{found:?}"
    );
    assert!(r.stderr.contains("1 binary files skipped"), "{}", r.stderr);
    let noise: Vec<_> = r
        .jsonl()
        .into_iter()
        .filter(|f| f["path"] == "leak/noise.ndjson" && f["kind"] == "email")
        .collect();
    assert_eq!(noise.len(), 1, "{}", r.stdout);
    assert_eq!(noise[0]["start"].as_u64(), Some(at as u64));
}

/// 100 MB of tag soup: 50 MB of unclosed nested tags, then one 50 MB tag
/// whose attribute quote never closes. Scanned in bounded memory and
/// time (no recursion on nesting, no buffering of a tag), and the data
/// after it is found at its exact offset.
#[test]
fn html_with_100_mb_of_nested_tags_is_scanned_in_bounded_memory() {
    const HALF: usize = 50 << 20;
    let s = Scratch::new();
    let path = s.path("soup.html");
    {
        let mut w = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
        let nest = b"<div class=\"row\"><span><b><i>".repeat(1 << 14);
        let mut n = 0;
        while n < HALF {
            w.write_all(&nest).expect("write");
            n += nest.len();
        }
        w.write_all(b"<p title=\"").expect("write");
        let attr = vec![b'a'; 1 << 20];
        for _ in 0..HALF / attr.len() {
            w.write_all(&attr).expect("write");
        }
        w.write_all(format!("\">Contact: <b>{MAIL}</b> card {CARD}</p>\n").as_bytes())
            .expect("write");
        w.flush().expect("flush");
    }
    let size = std::fs::metadata(&path).expect("stat").len();
    let t0 = std::time::Instant::now();
    let mut child = s
        .cmd(&["scan", "soup.html", "--format", "jsonl", "--quiet"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let pid = child.id();
    let mut peak_kb = 0u64;
    while child.try_wait().expect("poll").is_none() {
        peak_kb = peak_kb.max(vm_hwm_kb(pid).unwrap_or(0));
        std::thread::sleep(Duration::from_millis(20));
    }
    let elapsed = t0.elapsed();
    let r = common::Run::from(child.wait_with_output().expect("wait"));
    assert_eq!(r.code, 1, "stderr: {}", r.stderr);
    let text_end = format!("{MAIL}</b> card {CARD}</p>\n").len() as u64;
    let mail = r
        .jsonl()
        .into_iter()
        .find(|f| f["kind"] == "email")
        .expect("the address after the soup");
    assert_eq!(mail["start"].as_u64(), Some(size - text_end));
    assert!(peak_kb > 0, "could read the child's memory high-water mark");
    assert!(peak_kb < 200 * 1024, "peak RSS {peak_kb} KiB");
    // Generous for a debug build on a loaded 2-core machine; the point is
    // no quadratic blow-up (which would take hours on 100 MB).
    assert!(elapsed < Duration::from_secs(300), "took {elapsed:?}");
}

#[test]
fn malformed_csv_is_scanned_as_plain_text_with_a_per_file_warning() {
    let s = Scratch::new();
    // A quote that never closes: the CSV hinter gives up after 64 KiB and
    // the rest is scanned as plain text, so the address past it is found.
    let mut text = String::from("id,email,note\n1,jane.doe@example.com,\"unterminated ");
    text.push_str(&"x".repeat(70 * 1024));
    text.push_str("\n2,john.roe@example.org,ok\n");
    s.write("orders.csv", text.as_bytes());
    s.write("clean.csv", b"id,email\n1,ann.lee@example.net\n");
    let r = s.run(&["scan", "--format", "jsonl", "orders.csv", "clean.csv"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("warning: orders.csv: unbalanced quotes"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("clean.csv:"), "{}", r.stderr);
    let found = r.found();
    assert_eq!(
        found
            .iter()
            .filter(|(p, k)| p == "orders.csv" && k == "email")
            .count(),
        2,
        "{found:?}"
    );
    assert!(found.contains(&("clean.csv".to_string(), "email".to_string())));
}

/// SARIF is streamed (one document, results written as found, several
/// threads joined): it still parses and holds every finding exactly once.
#[test]
fn sarif_is_one_document_with_every_finding_streamed_from_all_threads() {
    let s = Scratch::new();
    // Enough findings in enough files that both threads flush many times.
    for f in 0..8 {
        let mut text = String::new();
        for i in 0..5_000 {
            text.push_str(&format!("order {i}: customer{f}x{i}@example.com\n"));
        }
        s.write(&format!("leak/f{f}.txt"), text.as_bytes());
    }
    let jsonl = s.run(&["scan", "leak", "--format", "jsonl", "--threads", "2"]);
    let want = jsonl.jsonl().len();
    assert_eq!(want, 40_000, "{}", jsonl.stderr);
    let r = s.run(&["scan", "leak", "--format", "sarif", "--threads", "2"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let log: serde_json::Value = serde_json::from_str(&r.stdout).expect("one JSON document");
    assert_eq!(log["version"], "2.1.0");
    let results = log["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), want);
    let mut seen: Vec<(String, u64)> = results
        .iter()
        .map(|x| {
            let loc = &x["locations"][0]["physicalLocation"];
            (
                loc["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
                loc["region"]["byteOffset"].as_u64().unwrap_or(u64::MAX),
            )
        })
        .collect();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), want, "every finding exactly once");
    assert!(!r.stdout.contains("@example.com"), "values stay redacted");

    let empty = s.run(&["scan", "leak", "--format", "sarif", "--kinds", "iban"]);
    assert_eq!(empty.code, 0, "{}", empty.stderr);
    let log: serde_json::Value = serde_json::from_str(&empty.stdout).expect("one JSON document");
    assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
}

/// A file large enough to be scanned in pieces by several threads reports
/// what one thread reports: the same findings, offsets, lines and columns,
/// with findings on both sides of every piece boundary, and CSV columns
/// followed across them.
#[test]
fn a_large_file_split_across_threads_reports_what_one_thread_does() {
    const PIECE: usize = 16 << 20;
    const SIZE: usize = 70 << 20;
    let s = Scratch::new();
    let mut text = Vec::with_capacity(SIZE + 4096);
    let mut n = 0;
    while text.len() < SIZE {
        let to_boundary = PIECE - text.len() % PIECE;
        if to_boundary < 400 || text.len() % PIECE < 400 || n % 5_000 == 0 {
            text.extend_from_slice(
                format!("mail jane.doe{n}@example.com card {CARD} tel +44 20 7946 0958\n")
                    .as_bytes(),
            );
        } else {
            text.extend_from_slice(b"lorem ipsum dolor sit amet, consectetur elit\n");
        }
        n += 1;
    }
    s.write("big.txt", &text);
    // Lone names count only in name columns, and quoted cells hold
    // newlines and commas: a piece cannot tell its columns by itself.
    let mut csv = b"id,note,last_name,first_name\n".to_vec();
    let mut i = 0;
    while csv.len() < SIZE {
        let filler = if i % 64 == 0 {
            ""
        } else {
            "lorem ipsum dolor sit amet "
        };
        csv.extend_from_slice(
            format!("{i},\"a,\n{}\",Miller,Jane\n", filler.repeat(20)).as_bytes(),
        );
        i += 1;
    }
    s.write("big.csv", &csv);
    for (file, format) in [
        ("big.txt", "human"),
        ("big.txt", "jsonl"),
        ("big.csv", "jsonl"),
    ] {
        let scan = |threads: &str| {
            let r = s.run(&["scan", file, "--format", format, "--threads", threads]);
            assert_eq!(r.code, 1, "{}", r.stderr);
            let mut lines: Vec<String> = r.stdout.lines().map(str::to_string).collect();
            lines.sort();
            (lines, r.stderr)
        };
        let (one, stderr) = scan("1");
        assert!(!stderr.contains("in pieces"), "{stderr}");
        let (three, stderr) = scan("3");
        assert!(
            stderr.contains("1 large files scanned in pieces by several threads"),
            "{stderr}"
        );
        assert!(one.len() > 100, "{file} {format}: {} findings", one.len());
        assert!(one == three, "{file} {format}: outputs differ");
    }
}
