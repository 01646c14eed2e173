//! The breach scenarios: each writes a customer base and a leak into a
//! directory, and returns the truth — every labelled span of personal data
//! in the leak, and which customers it exposes with which elements.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use bw_corpus::score::TruthSpan;
use bw_corpus::validate::luhn_check_digit;
use bw_scope::synth::Rng;
use serde::Serialize;

use crate::doc::Doc;
use crate::people::{Customer, Names, CSV_HEADER};
use crate::Error;

/// The shop every scenario belongs to (a reserved-looking name, no real brand).
pub const SHOP: &str = "Northwind Outfitters";
pub const SHOP_DOMAIN: &str = "northwind-outfitters.example";

/// Where the leak goes inside the output directory; truth paths start here.
pub const LEAK_DIR: &str = "leak";
pub const CUSTOMERS_CSV: &str = "customers.csv";
pub const TRUTH_JSONL: &str = "truth.jsonl";
pub const TRUTH_EXPOSED_CSV: &str = "truth-exposed.csv";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scenario {
    /// A "technical error" renders other customers' names and emails on
    /// product Q&A pages; the leak is a dump of the site.
    ProductPages,
    /// A CSV export (phones, dates of birth, card numbers) handed to a
    /// contractor lands, zipped, in a shared folder.
    ContractorExport,
    /// Web and app logs (emails in URLs, IPs, a few card numbers) in a
    /// public log bucket, gzipped per day.
    LogBucket,
}

impl Scenario {
    pub const ALL: [Scenario; 3] = [
        Scenario::ProductPages,
        Scenario::ContractorExport,
        Scenario::LogBucket,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Scenario::ProductPages => "product-pages",
            Scenario::ContractorExport => "contractor-export",
            Scenario::LogBucket => "log-bucket",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Scenario::ProductPages => "Customer names and emails shown on product Q&A pages",
            Scenario::ContractorExport => "Customer export shared with a contractor leaked",
            Scenario::LogBucket => "Web and app logs in a public bucket",
        }
    }
}

impl fmt::Display for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Scenario {
    type Err = Error;
    fn from_str(s: &str) -> Result<Scenario, Error> {
        Scenario::ALL
            .into_iter()
            .find(|x| x.as_str() == s)
            .ok_or_else(|| Error::UnknownScenario(s.to_string()))
    }
}

/// What to generate.
#[derive(Clone, Debug)]
pub struct GenOptions {
    pub scenario: Scenario,
    /// Size of the customer base.
    pub customers: u64,
    /// Customers the leak exposes; default one in 25.
    pub exposed: Option<u64>,
    pub seed: u64,
}

impl GenOptions {
    pub fn exposed(&self) -> u64 {
        self.exposed
            .unwrap_or(self.customers / 25)
            .clamp(1, self.customers.max(1))
    }
}

/// One customer the leak truly exposes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Exposed {
    /// Where their notice must arrive.
    pub email: String,
    pub country: String,
    pub region: String,
    /// `bw-detect` kind names of what was exposed with them.
    pub elements: BTreeSet<&'static str>,
}

/// The ground truth of one generated scenario.
#[derive(Clone, Debug, Default)]
pub struct Truth {
    /// Paths are relative to the output directory (`leak/…!member`).
    pub spans: Vec<TruthSpan>,
    /// By customer id.
    pub exposed: BTreeMap<String, Exposed>,
    /// Non-customers exposed alongside (they must match nobody).
    pub guests: u64,
}

/// What [`generate`] wrote.
#[derive(Clone, Debug)]
pub struct Generated {
    pub customers_csv: PathBuf,
    pub leak_dir: PathBuf,
    pub truth: Truth,
    /// Leak files written and their total size on disk.
    pub files: u64,
    pub bytes: u64,
}

/// Writes the customer base (`customers.csv`), the leak (`leak/`) and the
/// truth (`truth.jsonl`, `truth-exposed.csv`) into `out`.
pub fn generate(out: &Path, opts: &GenOptions) -> Result<Generated, Error> {
    if opts.customers == 0 {
        return Err(Error::Invalid("--customers must be at least 1".into()));
    }
    let names = Names::load();
    fs::create_dir_all(out).map_err(Error::io(out))?;
    let customers_csv = out.join(CUSTOMERS_CSV);
    write_customers(&customers_csv, &names, opts)?;
    let leak_dir = out.join(LEAK_DIR);
    if leak_dir.exists() {
        fs::remove_dir_all(&leak_dir).map_err(Error::io(&leak_dir))?;
    }
    fs::create_dir_all(&leak_dir).map_err(Error::io(&leak_dir))?;
    let mut g = Gen {
        names,
        rng: Rng::new(opts.seed ^ 0xd1b5_4a32_d192_ed03),
        opts: opts.clone(),
        truth: Truth::default(),
        files: Vec::new(),
    };
    match opts.scenario {
        Scenario::ProductPages => g.product_pages(&leak_dir)?,
        Scenario::ContractorExport => g.contractor_export(&leak_dir)?,
        Scenario::LogBucket => g.log_bucket(&leak_dir)?,
    }
    let mut bytes = 0;
    for f in &g.files {
        bytes += fs::metadata(f).map_err(Error::io(f))?.len();
    }
    write_truth(out, &g.truth)?;
    Ok(Generated {
        customers_csv,
        leak_dir,
        files: g.files.len() as u64,
        bytes,
        truth: g.truth,
    })
}

fn write_customers(path: &Path, names: &Names, opts: &GenOptions) -> Result<(), Error> {
    let f = File::create(path).map_err(Error::io(path))?;
    let mut w = BufWriter::with_capacity(1 << 20, f);
    let res = (|| {
        writeln!(w, "{CSV_HEADER}")?;
        for n in 0..opts.customers {
            writeln!(w, "{}", names.customer(opts.seed, n).csv_row())?;
        }
        w.flush()
    })();
    res.map_err(Error::io(path))
}

fn write_truth(out: &Path, truth: &Truth) -> Result<(), Error> {
    let path = out.join(TRUTH_JSONL);
    let f = File::create(&path).map_err(Error::io(&path))?;
    let mut w = BufWriter::new(f);
    for s in &truth.spans {
        serde_json::to_writer(&mut w, s).map_err(|e| Error::io(&path)(e.into()))?;
        w.write_all(b"\n").map_err(Error::io(&path))?;
    }
    w.flush().map_err(Error::io(&path))?;
    let path = out.join(TRUTH_EXPOSED_CSV);
    let mut text = String::from("customer_id,country,region,elements\n");
    for (id, e) in &truth.exposed {
        let els: Vec<&str> = e.elements.iter().copied().collect();
        text.push_str(&format!(
            "{id},{},{},{}\n",
            e.country,
            e.region,
            els.join("+")
        ));
    }
    fs::write(&path, text).map_err(Error::io(&path))
}

struct Gen {
    names: Names,
    rng: Rng,
    opts: GenOptions,
    truth: Truth,
    files: Vec<PathBuf>,
}

/// One exposed person in a scenario: a customer or a guest.
struct Person {
    c: Customer,
    guest: bool,
}

const PRODUCT_ADJ: &[&str] = &[
    "Ridge", "Alpine", "Coastal", "Granite", "Cascade", "Tundra", "Glacier", "Canyon", "Boreal",
    "Meadow",
];
const PRODUCT_NOUN: &[&str] = &[
    "Rain Jacket",
    "Hiking Boot",
    "Wool Sweater",
    "Day Pack",
    "Fleece Vest",
    "Camp Stove",
    "Trail Runner",
    "Down Parka",
    "Sleeping Bag",
    "Trekking Pole",
];
const QUESTIONS: &[(&str, &str)] = &[
    (
        "Does this run true to size?",
        "Most buyers find it true to size; size up for layering.",
    ),
    (
        "Is it fully waterproof?",
        "Yes, every seam is taped and the zips are sealed.",
    ),
    ("How heavy is it?", "It weighs about 450 g in size M."),
    (
        "Can I machine wash it?",
        "Yes, on a cold gentle cycle; hang it to dry.",
    ),
    (
        "Does it come in other colours?",
        "This season it comes in slate, moss and rust.",
    ),
    (
        "What does the warranty cover?",
        "Two years against defects in materials and workmanship.",
    ),
    (
        "Will it fit in carry-on luggage?",
        "It packs down into its own pocket.",
    ),
    (
        "Is the lining recycled?",
        "The lining is 80 percent recycled polyester.",
    ),
];
const HANDLES: &[&str] = &[
    "trailfox",
    "peakbagger",
    "wanderer",
    "campfire",
    "summitseeker",
    "riverrat",
    "mossy",
    "switchback",
];
const MONTHS: &[&str] = &[
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

impl Gen {
    fn pick<'a>(&mut self, items: &'a [&'a str]) -> &'a str {
        items[self.rng.below(items.len() as u64) as usize]
    }

    /// Distinct customer indices the leak exposes, in random order.
    fn exposed_indices(&mut self) -> Vec<u64> {
        let n = self.opts.customers;
        let want = self.opts.exposed();
        if want * 2 >= n {
            // Dense: take every customer with probability want/n, exactly.
            let mut all: Vec<u64> = (0..n).collect();
            for i in (1..all.len()).rev() {
                let j = self.rng.below(i as u64 + 1) as usize;
                all.swap(i, j);
            }
            all.truncate(want as usize);
            return all;
        }
        let mut seen = HashSet::with_capacity(want as usize);
        let mut out = Vec::with_capacity(want as usize);
        while (out.len() as u64) < want {
            let i = self.rng.below(n);
            if seen.insert(i) {
                out.push(i);
            }
        }
        out
    }

    /// The exposed customers plus one guest per twenty of them, shuffled.
    fn people(&mut self) -> Vec<Person> {
        let seed = self.opts.seed;
        let mut people: Vec<Person> = self
            .exposed_indices()
            .into_iter()
            .map(|i| Person {
                c: self.names.customer(seed, i),
                guest: false,
            })
            .collect();
        let guests = (people.len() / 20) as u64;
        for g in 0..guests {
            people.push(Person {
                c: self.names.guest(seed, g),
                guest: true,
            });
        }
        for i in (1..people.len()).rev() {
            let j = self.rng.below(i as u64 + 1) as usize;
            people.swap(i, j);
        }
        self.truth.guests = guests;
        people
    }

    fn expose(&mut self, p: &Person, elements: &[&'static str]) {
        if p.guest {
            return;
        }
        let e = self
            .truth
            .exposed
            .entry(p.c.id.clone())
            .or_insert_with(|| Exposed {
                email: p.c.email.clone(),
                country: p.c.country.clone(),
                region: p.c.region.clone(),
                elements: BTreeSet::new(),
            });
        e.elements.extend(elements.iter().copied());
    }

    fn date(&mut self) -> String {
        format!(
            "{} {} 2026",
            1 + self.rng.below(28),
            MONTHS[self.rng.below(10) as usize]
        )
    }

    fn handle(&mut self) -> String {
        let h = self.pick(HANDLES);
        format!("{h}_{}", self.rng.below(1000))
    }

    /// A site dump (`.tar.gz`) of product pages; some questions show the
    /// asker's name and email (the bug), in the page and in its embedded
    /// state JSON.
    fn product_pages(&mut self, leak: &Path) -> Result<(), Error> {
        let people = self.people();
        // Thousands of pages at the default size; a few hundred for small drills.
        let pages = (self.opts.customers / 5).max(200) as usize;
        // Each person is shown once or twice, on random pages.
        let mut on_page: Vec<Vec<usize>> = vec![Vec::new(); pages];
        for (i, _) in people.iter().enumerate() {
            let times = 1 + self.rng.below(2);
            for _ in 0..times {
                let p = self.rng.below(pages as u64) as usize;
                on_page[p].push(i);
            }
        }
        let name = format!("www.{SHOP_DOMAIN}.tar.gz");
        let path = leak.join(&name);
        let file = File::create(&path).map_err(Error::io(&path))?;
        let gz = flate2::write::GzEncoder::new(
            BufWriter::with_capacity(1 << 20, file),
            flate2::Compression::fast(),
        );
        let mut tar = tar::Builder::new(gz);
        let mut doc = Doc::new();
        for (page, shown) in on_page.iter().enumerate() {
            doc.clear();
            let product = format!("{} {}", self.pick(PRODUCT_ADJ), self.pick(PRODUCT_NOUN));
            let slug = format!(
                "{}-{page:05}",
                product.to_ascii_lowercase().replace(' ', "-")
            );
            self.page(&mut doc, &product, page, shown, &people);
            let member = format!("site/products/{slug}.html");
            let mut h = tar::Header::new_gnu();
            h.set_size(doc.bytes.len() as u64);
            h.set_mode(0o644);
            h.set_mtime(1_793_000_000);
            h.set_entry_type(tar::EntryType::Regular);
            tar.append_data(&mut h, &member, &doc.bytes[..])
                .map_err(Error::io(&path))?;
            doc.spans(
                &format!("{LEAK_DIR}/{name}!{member}"),
                &mut self.truth.spans,
            );
        }
        for p in &people {
            self.expose(p, &["email", "person_name"]);
        }
        let gz = tar.into_inner().map_err(Error::io(&path))?;
        let mut w = gz.finish().map_err(Error::io(&path))?;
        w.flush().map_err(Error::io(&path))?;
        self.files.push(path);
        Ok(())
    }

    fn page(
        &mut self,
        d: &mut Doc,
        product: &str,
        page: usize,
        shown: &[usize],
        people: &[Person],
    ) {
        let price = 29 + self.rng.below(300);
        d.s("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>")
            .s(product)
            .s(" | ")
            .s(SHOP)
            .s("</title>\n<link rel=\"stylesheet\" href=\"/assets/site.css\"></head>\n<body>\n<header><a href=\"/\">")
            .s(SHOP)
            .s("</a> <nav><a href=\"/men\">Men</a> <a href=\"/women\">Women</a> <a href=\"/help\">Help</a></nav></header>\n")
            .s(&format!(
                "<main class=\"product\" data-sku=\"NW-{:05}\">\n<h1>{product}</h1>\n<p class=\"price\">${price}.00</p>\n",
                10_000 + page
            ))
            .s("<p class=\"lede\">Built for long days outside, tested by our gear team in wind, rain and snow.</p>\n")
            .s("<section class=\"qa\"><h2>Questions &amp; answers</h2>\n");
        let normal = 2 + self.rng.below(4) as usize;
        let mut slots: Vec<Option<usize>> = (0..normal).map(|_| None).collect();
        slots.extend(shown.iter().map(|&i| Some(i)));
        for i in (1..slots.len()).rev() {
            let j = self.rng.below(i as u64 + 1) as usize;
            slots.swap(i, j);
        }
        let mut state: Vec<(u64, usize)> = Vec::new();
        for slot in &slots {
            let (q, a) = QUESTIONS[self.rng.below(QUESTIONS.len() as u64) as usize];
            let qid = 100_000 + self.rng.below(900_000);
            let date = self.date();
            d.s(&format!(
                "<div class=\"question\" id=\"q{qid}\">\n<p class=\"q\">{q}</p>\n"
            ));
            match slot {
                None => {
                    let h = self.handle();
                    d.s(&format!("<p class=\"meta\">Asked by {h} on {date}</p>\n"));
                }
                Some(i) => {
                    let c = &people[*i].c;
                    d.s("<p class=\"meta\">Asked by <b>")
                        .l("person_name", &c.full_name())
                        .s("</b> &middot; ")
                        .l("email", &c.email)
                        .s(&format!(" &middot; {date}</p>\n"));
                    state.push((qid, *i));
                }
            }
            d.s(&format!(
                "<p class=\"a\">{a}</p>\n<p class=\"meta\">Answered by {SHOP} support</p>\n</div>\n"
            ));
        }
        d.s("</section>\n</main>\n");
        // The bug's second face: the page's hydration state carries the
        // askers' accounts.
        d.s("<script type=\"application/json\" id=\"qa-state\">{\"questions\":[");
        for (k, (qid, i)) in state.iter().enumerate() {
            let c = &people[*i].c;
            if k > 0 {
                d.s(",");
            }
            d.s(&format!("{{\"id\":{qid},\"author\":{{\"displayName\":\""))
                .l("person_name", &c.full_name())
                .s("\",\"email\":\"")
                .l("email", &c.email)
                .s("\"}}");
        }
        d.s("]}</script>\n<footer>&copy; 2026 ")
            .s(SHOP)
            .s(". Questions? Write to help@")
            .s(SHOP_DOMAIN)
            .s(".</footer>\n</body></html>\n");
    }

    /// `leak/shared/contractor-handoff.zip` holding a CSV export of the
    /// exposed customers (and some prospects who are not customers).
    fn contractor_export(&mut self, leak: &Path) -> Result<(), Error> {
        let people = self.people();
        let dir = leak.join("shared");
        fs::create_dir_all(&dir).map_err(Error::io(&dir))?;
        let name = "contractor-handoff-2026-11.zip";
        let path = dir.join(name);
        let member = "handoff/customers_export.csv";
        let mut d = Doc::new();
        d.s("id,first_name,last_name,email,phone,date_of_birth,card_number,card_expiry,country,region\n");
        for p in &people {
            let c = &p.c;
            let dob = format!(
                "{}-{:02}-{:02}",
                1950 + self.rng.below(55),
                1 + self.rng.below(12),
                1 + self.rng.below(28)
            );
            let card = self.card();
            let expiry = format!("{:02}/{}", 1 + self.rng.below(12), 27 + self.rng.below(5));
            d.s(&c.id)
                .s(",")
                .l("person_name", &c.first)
                .s(",")
                .l("person_name", &c.last)
                .s(",")
                .l("email", &c.email)
                .s(",")
                .l("phone_number", &c.phone)
                .s(",")
                .l("date_of_birth", &dob)
                .s(",")
                .l("payment_card", &card)
                .s(&format!(",{expiry},{},{}\n", c.country, c.region));
            self.expose(
                p,
                &[
                    "person_name",
                    "email",
                    "phone_number",
                    "date_of_birth",
                    "payment_card",
                ],
            );
        }
        let readme = format!(
            "Fulfilment migration hand-off, November 2026.\nQuestions to ops@{SHOP_DOMAIN}.\nDelete after import.\n"
        );
        let file = File::create(&path).map_err(Error::io(&path))?;
        let mut z = zip::ZipWriter::new(BufWriter::new(file));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        let zerr = |e: zip::result::ZipError| Error::io(&path)(std::io::Error::other(e));
        z.start_file("handoff/README.txt", opts).map_err(zerr)?;
        z.write_all(readme.as_bytes()).map_err(Error::io(&path))?;
        z.start_file(member, opts).map_err(zerr)?;
        z.write_all(&d.bytes).map_err(Error::io(&path))?;
        let mut w = z.finish().map_err(zerr)?;
        w.flush().map_err(Error::io(&path))?;
        d.spans(
            &format!("{LEAK_DIR}/shared/{name}!{member}"),
            &mut self.truth.spans,
        );
        self.files.push(path);
        Ok(())
    }

    /// A Luhn-valid number in a Visa, Mastercard or Amex range.
    fn card(&mut self) -> String {
        let (prefix, len) = match self.rng.below(3) {
            0 => ("4".to_string(), 16),
            1 => (format!("5{}", 1 + self.rng.below(5)), 16),
            _ => (
                format!("3{}", if self.rng.below(2) == 0 { 4 } else { 7 }),
                15,
            ),
        };
        let mut s = prefix;
        while s.len() < len - 1 {
            s.push(char::from(b'0' + self.rng.below(10) as u8));
        }
        let check = luhn_check_digit(&s);
        s.push(char::from(b'0' + check));
        s
    }

    /// A public IPv4 address outside every special-purpose block.
    fn ip(&mut self) -> String {
        const FIRST: &[u64] = &[24, 46, 62, 81, 92, 109, 151, 174, 185, 212];
        format!(
            "{}.{}.{}.{}",
            FIRST[self.rng.below(FIRST.len() as u64) as usize],
            self.rng.below(256),
            self.rng.below(256),
            1 + self.rng.below(254)
        )
    }

    /// A week of gzipped web access logs and app logs.
    fn log_bucket(&mut self, leak: &Path) -> Result<(), Error> {
        let people = self.people();
        let dir = leak.join("logs");
        fs::create_dir_all(&dir).map_err(Error::io(&dir))?;
        const DAYS: usize = 7;
        let web_lines = (self.opts.customers * 4).max(2_000) as usize / DAYS;
        // Each person turns up once or twice in the week.
        let mut by_day: Vec<Vec<usize>> = vec![Vec::new(); DAYS];
        for i in 0..people.len() {
            for _ in 0..1 + self.rng.below(2) {
                by_day[self.rng.below(DAYS as u64) as usize].push(i);
            }
        }
        let mut d = Doc::new();
        for (day, shown) in by_day.iter().enumerate() {
            // Web log: exposures as percent-encoded emails in query strings.
            d.clear();
            // Selection sampling: the exposures land on uniformly random
            // lines, in order.
            let total = web_lines + shown.len();
            let mut next = 0;
            for line in 0..total {
                let ip = self.ip();
                let ts = format!(
                    "{:02}/Nov/2026:{:02}:{:02}:{:02} +0000",
                    day + 1,
                    line * 24 / total,
                    self.rng.below(60),
                    self.rng.below(60)
                );
                d.l("ip_address", &ip).s(&format!(" - - [{ts}] \"GET "));
                let left = (shown.len() - next) as u64;
                let who = if left > 0 && self.rng.below((total - line) as u64) < left {
                    next += 1;
                    Some(shown[next - 1])
                } else {
                    None
                };
                match who {
                    Some(i) => {
                        let p = &people[i];
                        let enc = p.c.email.replace('@', "%40");
                        d.s("/account/orders?email=")
                            .l("email", &enc)
                            .s("&src=mail HTTP/1.1\" 200 ");
                        self.expose(p, &["email", "ip_address"]);
                    }
                    None => {
                        let sku = 10_000 + self.rng.below(5_000);
                        d.s(&format!("/products/nw-{sku} HTTP/1.1\" 200 "));
                    }
                }
                d.s(&format!(
                    "{} \"-\" \"Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0\"\n",
                    2_000 + self.rng.below(60_000)
                ));
            }
            let name = format!("web-2026-11-{:02}.log", day + 1);
            self.write_gz(&dir, &name, &d)?;
            // App log: the same people by account, some with a card
            // number a payment error logged in full.
            d.clear();
            for (k, &i) in shown.iter().enumerate() {
                let p = &people[i];
                let ts = format!("2026-11-{:02}T{:02}:{:02}:00Z", day + 1, k % 24, k % 60);
                for _ in 0..3 {
                    d.s(&format!(
                        "{ts} INFO cache warm key=product:{} hits={}\n",
                        self.rng.below(9_999),
                        self.rng.below(500)
                    ));
                }
                let ip = self.ip();
                d.s(&format!("{ts} INFO checkout started user="))
                    .l("email", &p.c.email)
                    .s(" ip=")
                    .l("ip_address", &ip)
                    .s(&format!(
                        " order=NW-{}\n",
                        100_000 + self.rng.below(900_000)
                    ));
                let mut elements = vec!["email", "ip_address"];
                if self.rng.below(12) == 0 {
                    let card = self.card();
                    d.s(&format!("{ts} ERROR payment declined user="))
                        .l("email", &p.c.email)
                        .s(" card=")
                        .l("payment_card", &card)
                        .s(" reason=do_not_honor\n");
                    elements.push("payment_card");
                }
                self.expose(p, &elements);
            }
            let name = format!("app-2026-11-{:02}.log", day + 1);
            self.write_gz(&dir, &name, &d)?;
        }
        Ok(())
    }

    fn write_gz(&mut self, dir: &Path, name: &str, d: &Doc) -> Result<(), Error> {
        let path = dir.join(format!("{name}.gz"));
        let file = File::create(&path).map_err(Error::io(&path))?;
        let mut gz =
            flate2::write::GzEncoder::new(BufWriter::new(file), flate2::Compression::fast());
        gz.write_all(&d.bytes).map_err(Error::io(&path))?;
        let mut w = gz.finish().map_err(Error::io(&path))?;
        w.flush().map_err(Error::io(&path))?;
        d.spans(
            &format!("{LEAK_DIR}/logs/{name}.gz!{name}"),
            &mut self.truth.spans,
        );
        self.files.push(path);
        Ok(())
    }
}

#[cfg(test)]
mod tests;
