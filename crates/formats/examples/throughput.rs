//! Decompression throughput through `expand`, its overhead on plain
//! input, and the mail decoder's cost (plain and quoted-printable bodies). Run: `cargo run --release -p bw-formats --example throughput [MB]`.

use std::io::{self, Read, Write};
use std::time::Instant;

use bw_formats::{expand, Event, Options};

fn main() -> io::Result<()> {
    let mb: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200);
    let mut data = Vec::with_capacity(mb << 20);
    let mut i = 0u64;
    while data.len() < mb << 20 {
        writeln!(
            data,
            "{i},customer{}@example.com,+1 202 555 {:04},order {} shipped to {} Main St",
            i * 7919 % 100_003,
            i % 10_000,
            i * 31,
            i % 977
        )?;
        i += 1;
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&data)?;
    let gz = gz.finish()?;
    let zst = zstd::stream::encode_all(&data[..], 3)?;
    println!(
        "input {} MiB; gzip {} MiB, zstd {} MiB",
        data.len() >> 20,
        gz.len() >> 20,
        zst.len() >> 20
    );

    let direct = best(|| {
        let mut r = &data[..];
        drain(&mut r)
    })?;
    report("plain, direct read", data.len(), direct);
    let through = best(|| through_expand("plain.csv", &data))?;
    report("plain, through expand", data.len(), through);
    println!("plain overhead: {:+.1}%", (through / direct - 1.0) * 100.0);
    let t = best(|| through_expand("x.csv.gz", &gz))?;
    report("gzip (flate2/miniz_oxide) through expand", data.len(), t);
    let t = best(|| {
        let mut d = flate2::read::MultiGzDecoder::new(&gz[..]);
        drain(&mut d)
    })?;
    report("gzip, bare MultiGzDecoder", data.len(), t);
    let t = best(|| through_expand("x.csv.zst", &zst))?;
    report("zstd through expand", data.len(), t);
    let t = best(|| {
        let mut d = zstd::stream::read::Decoder::new(&zst[..])?;
        drain(&mut d)
    })?;
    report("zstd, bare Decoder", data.len(), t);

    const HEAD: &[u8] = b"From: a@example.org\r\nTo: b@example.org\r\nSubject: export\r\n";
    let mut mail = HEAD.to_vec();
    mail.extend_from_slice(b"\r\n");
    mail.extend_from_slice(&data);
    let t = best(|| through_expand("inbox.eml", &mail))?;
    report("mail, plain body through expand", mail.len(), t);
    let mut qp = HEAD.to_vec();
    qp.extend_from_slice(b"Content-Transfer-Encoding: quoted-printable\r\n\r\n");
    let mut col = 0;
    for &b in &data {
        // 76-column lines with soft breaks, `@` and `=` escaped, as mailers write.
        if col >= 72 && b != b'\n' {
            qp.extend_from_slice(b"=\r\n");
            col = 0;
        }
        match b {
            b'@' | b'=' => {
                write!(qp, "={b:02X}")?;
                col += 3;
            }
            b'\n' => {
                qp.extend_from_slice(b"\r\n");
                col = 0;
            }
            _ => {
                qp.push(b);
                col += 1;
            }
        }
    }
    let t = best(|| through_expand("inbox.eml", &qp))?;
    report("mail, quoted-printable body through expand", qp.len(), t);
    Ok(())
}

fn through_expand(name: &str, bytes: &[u8]) -> io::Result<u64> {
    let mut n = 0;
    expand(name, bytes, &Options::default(), |e| {
        match e {
            Event::Member(mut m) => n += drain(&mut m)?,
            Event::Error(e) => return Err(io::Error::other(e)),
            Event::Notice(_) => {}
        }
        Ok(())
    })?;
    Ok(n)
}

/// Reads to the end in the stream scanner's chunk size.
fn drain(r: &mut dyn Read) -> io::Result<u64> {
    let mut buf = vec![0u8; 256 * 1024];
    let mut total = 0u64;
    loop {
        let n = r.read(&mut buf)?;
        if n == 0 {
            break;
        }
        std::hint::black_box(&buf[..n]);
        total += n as u64;
    }
    Ok(total)
}

/// Best of three runs, in seconds.
fn best(mut f: impl FnMut() -> io::Result<u64>) -> io::Result<f64> {
    let mut best = f64::MAX;
    for _ in 0..3 {
        let t = Instant::now();
        std::hint::black_box(f()?);
        best = best.min(t.elapsed().as_secs_f64());
    }
    Ok(best)
}

fn report(what: &str, bytes: usize, secs: f64) {
    println!(
        "{what:45} {:8.1} MB/s ({secs:.3} s)",
        bytes as f64 / secs / 1e6
    );
}
