use super::run::ascii_letters_at;
use super::utf8::is_letter;
use super::*;
use crate::hints::Field;
use crate::stream::StreamScanner;
use crate::{Engine, Hint, KindSet};

/// Every name finding scoring at least 0.5 (the default threshold), as
/// (text, start).
fn found_with(hay: &str, hints: &Hints<'_>) -> Vec<(String, usize)> {
    let d = NameDetector::new();
    let mut out = Vec::new();
    d.find(hay.as_bytes(), hints, &mut out);
    out.iter()
        .filter(|f| f.score >= 0.5)
        .map(|f| (hay[f.start..f.end].to_string(), f.start))
        .collect()
}

fn found(hay: &str) -> Vec<String> {
    found_with(hay, &Hints::NONE)
        .into_iter()
        .map(|(s, _)| s)
        .collect()
}

#[test]
fn surface_forms_with_exact_offsets() {
    let cases: &[(&str, &str, usize)] = &[
        ("Order placed by Jane Doe yesterday", "Jane Doe", 16),
        ("Name: DOE, Jane\n", "DOE, Jane", 6),
        ("Contact: Dr. Robert M. Taylor.", "Robert M. Taylor", 13),
        ("Mme. Élodie Durand a écrit", "Élodie Durand", 5),
        ("Dear Sanne de Vries,", "Sanne de Vries", 5),
        ("Dear Mr. Patrick O'Brien,", "Patrick O'Brien", 9),
        (
            "Ship to: Anne-Marie Smith-Jones\n",
            "Anne-Marie Smith-Jones",
            9,
        ),
        ("<p><b>Jane</b> Doe</p>", "Jane</b> Doe", 6),
        (
            "From: \"Maria Garcia\" <maria@example.com>",
            "Maria Garcia",
            7,
        ),
        (
            "{\"name\": \"Kevin Walker\", \"sku\": 1}",
            "Kevin Walker",
            10,
        ),
        ("Bill to: Daan van der Berg\n", "Daan van der Berg", 9),
        ("Name: Ms. Meghan Street\n", "Meghan Street", 10),
        ("Name: DE LUCA, Matteo\n", "DE LUCA, Matteo", 6),
        (
            "Asked by <b>Matteo</b> Bianchi on",
            "Matteo</b> Bianchi",
            12,
        ),
        ("お客様: 山田 太郎 様", "山田 太郎", "お客様: ".len()),
        (
            "氏名：佐藤\u{3000}花子\n",
            "佐藤\u{3000}花子",
            "氏名：".len(),
        ),
    ];
    for &(hay, want, at) in cases {
        let got = found_with(hay, &Hints::NONE);
        assert_eq!(got, vec![(want.to_string(), at)], "in {hay:?}");
    }
}

#[test]
fn lone_names_only_where_structure_says_so() {
    assert_eq!(
        found("{\"first_name\": \"Jennifer\", \"id\": 3}"),
        ["Jennifer"]
    );
    assert_eq!(found("{\"lastName\":\"Gallagher\"}"), ["Gallagher"]);
    assert_eq!(found("{\"surname\": \"van der Berg\"}"), ["van der Berg"]);
    assert_eq!(
        found("INSERT INTO customers VALUES (7, 'Susan', 'O''Connor', 'x');"),
        ["Susan", "O''Connor"]
    );
    assert_eq!(
        found("INSERT INTO customers VALUES (7, 'Sanne', 'de Vries', 'x');"),
        ["Sanne", "de Vries"]
    );
    assert_eq!(
        found("INSERT INTO customers VALUES (7, 'Iñigo', 'López', 'x');"),
        ["Iñigo", "López"]
    );
    assert_eq!(
        found("INSERT INTO customers VALUES (7, 'Matteo', 'De Luca', 'x');"),
        ["Matteo", "De Luca"]
    );
    assert_eq!(
        found("INSERT INTO customers VALUES (7, '美咲', '佐藤', 'x');"),
        ["美咲", "佐藤"]
    );
    assert_eq!(
        found("C1,健太,田中,\"田中 健太\",k@example.jp"),
        ["健太", "田中", "田中 健太"]
    );
    assert_eq!(found("{\"last_name\":\"Good\"}"), ["Good"]);
    // Month names and other stop words are names inside a name field.
    assert_eq!(found("{\"full_name\":\"April Paige\"}"), ["April Paige"]);
    assert_eq!(found("{\"name\":\"Dallas Good\"}"), ["Dallas Good"]);
    assert!(found("{\"note\":\"April Paige\"}").is_empty());
    assert!(found("      - name: Check Formatting\n").is_empty());
    // A bare `name` key holds products as often as people.
    for product in [
        "{\"sku\":\"NW-1\",\"name\":\"Trail Runner Jacket\",\"price\":49.9}",
        "{\"sku\":\"NW-3\",\"name\":\"Harbor Tote\"}",
    ] {
        assert!(found(product).is_empty(), "{product}: {:?}", found(product));
    }
    assert!(found("{\"Name\":\"Harbor Tote\"}").is_empty());
    // A form's or letter's `Name:` label is about a person.
    assert_eq!(
        found("My details:\nName: Okonkwo Adeyemi\n"),
        ["Okonkwo Adeyemi"]
    );
    assert_eq!(found("Name: M. Okonkwo Adeyemi\n"), ["Okonkwo Adeyemi"]);
    assert_eq!(
        found("{\"name\":\"Laura Bennett\",\"id\":4}"),
        ["Laura Bennett"]
    );
    assert_eq!(
        found("{\"name\":\"Okonkwo Adeyemi\",\"email\":\"oa@example.com\"}"),
        ["Okonkwo Adeyemi"]
    );
    assert_eq!(
        found("<input type=\"text\" name=\"customer[last_name]\" value=\"Gallagher\">"),
        ["Gallagher"]
    );
    assert!(found("<input name=\"coupon\" value=\"Gallagher\">").is_empty());
    // The same words without structure are not names.
    assert!(found("Jennifer said the parcel was late").is_empty());
    assert!(found("{\"city\": \"Gallagher\"}").is_empty());
    assert!(found("{\"name\": \"Jennifer\"}").is_empty());
    // Two capitals in a field pair are a state or country code, not `Al`.
    assert!(found("1205933|Birmingham, AL\n").is_empty());
    assert!(found("'ED', 'Smith'\n").is_empty());
    assert_eq!(found("{\"first_name\": \"AL\"}"), ["AL"]);
    // Three months or weekdays in a row are a calendar: a monthly report's
    // header, a locale's day list. Two, or a month beside a surname, may be
    // a name.
    assert!(found("Region,April,May,June,July,August\n").is_empty());
    assert!(found("\"Mar\";\"Apr\";\"May\";\"Jun\";\"Jul\"\n").is_empty());
    assert!(found("my @days = (\"Sun\", \"Mon\", \"Tue\", \"Wed\");").is_empty());
    assert_eq!(
        found("INSERT INTO customers VALUES (7, 'April', 'Paige', 'x');"),
        ["April", "Paige"]
    );
    assert_eq!(
        found("INSERT INTO customers VALUES (7, 'Jan', 'May', 'may.jan@example.fr');"),
        ["Jan", "May"]
    );

    // A CSV cell in a first_name column arrives as a hint.
    let hay = "C1,Thomas,x\n";
    let hint = [Hint {
        start: 3,
        end: 9,
        field: Field::GivenName,
    }];
    assert_eq!(
        found_with(hay, &Hints::new(&hint)),
        [("Thomas".to_string(), 3)]
    );
    assert!(found_with(hay, &Hints::NONE).is_empty());
}

#[test]
fn structure_and_email_raise_the_score() {
    let d = NameDetector::new();
    let score = |hay: &str| {
        let mut out = Vec::new();
        d.find(hay.as_bytes(), &Hints::NONE, &mut out);
        out.first().map_or(0.0, |f| f.score)
    };
    let bare = score("seen Laura Bennett here");
    assert!(bare >= 0.5, "{bare}");
    assert!(score("Customer: Laura Bennett") > bare);
    assert!(score("seen Laura Bennett laura.b@example.com") > bare);
    assert!(score("{\"full_name\":\"Laura Bennett\"}") > bare);
}

#[test]
fn brands_products_places_streets_and_ui_words_are_not_people() {
    for hay in [
        "New Michael Kors bags and Kate Spade wallets",
        "a bottle of Johnnie Walker, a Tommy Bahama shirt, Paul Smith suit",
        "Louis Vuitton bags, Giorgio Armani, Ben & Jerry's, Martha Stewart Living",
        "Echo Show, Kindle Oasis and Galaxy Tab",
        "ships from New Jersey, San Diego, Las Vegas, St Louis, Mount Vernon",
        "deliver to 12 Martin Luther King Boulevard, 5 Elm Street, 9 Oak Lane",
        "Thank You! Best Regards. Order Total: $5. Free Shipping. Add To Cart",
        "Kindle Oasis Signature Edition",
        "THE QUICK BROWN FOX",
        // A retailer's storefront and catalogue.
        "<td>Rose Gold Necklace</td><td>Ruby Red Lipstick</td><td>Victoria Sponge Cake</td>",
        "<li>Colour: Forest Green</li> Shipped by Royal Mail. Made in Viet Nam.",
        "<span class=\"author\">Verified Buyer</span>",
        "sku,name,colour\nDRS-5,Grace Wrap Dress,Navy\nNCK-2,Rose Gold Necklace,Rose Gold\n",
        "{\"sku\":\"BAG-6\",\"name\":\"Harper Leather Tote\"}",
        // User agents, on every line of a web shop's access log.
        "\"Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15\"",
        "\"Mozilla/5.0 (Macintosh; Intel Mac OS X 14.1; rv:120.0) Gecko/20100101\"",
        "\"Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) Chrome OS\"",
        // Acronyms among capitalised words: software and services.
        "@hmscore/react-native-hms-map\t6.4.0\t812\tReact Native HMS Map Kit\n",
        "JavaScript client for Red Hat Insights RBAC service",
        "MCP Server for Shopify; Claude Agent SDK; Houston Python Client API",
    ] {
        assert!(found(hay).is_empty(), "{hay:?}: {:?}", found(hay));
    }
    // Surnames in capitals and suffixes are not acronyms; a title settles it.
    for (hay, name) in [
        ("Thanks to Akira TAGOH <tagoh@example.org>", "Akira TAGOH"),
        ("by Roy Ivy III <roy@example.org>", "Roy Ivy III"),
        ("Dear Mr. DJ Delorie,", "DJ Delorie"),
    ] {
        assert_eq!(found(hay), [name], "{hay:?}");
    }
}

#[test]
fn places_built_like_names_are_not_people_unless_something_says_so() {
    for hay in [
        "61240352|Nelson Bay\n61889745|Victoria River\n",
        "55443313|Santa Helena - PR\n1925866|San Ramon, CA\n",
        "the road from Rocky Creek to Stuart Town",
    ] {
        assert!(found(hay).is_empty(), "{hay:?}: {:?}", found(hay));
    }
    assert_eq!(found("Dear Santa Jones,"), ["Santa Jones"]);
    assert_eq!(found("Customer: Michael Bay"), ["Michael Bay"]);
}

#[test]
fn long_capitalised_runs_are_rejected_not_split() {
    let title = "Jane Doe Mary Smith Anna Jones Lisa Brown Kate Green Emma White";
    assert!(found(title).is_empty());
}

#[test]
fn chunked_scan_equals_whole_scan() {
    let mut text = String::new();
    let parts = [
        "Dear Jane Doe, your order shipped.\n",
        "{\"first_name\":\"Kevin\",\"last_name\":\"Walker\",\"email\":\"kw@example.com\"}\n",
        "From: \"Maria Garcia\" <maria@example.com>\n",
        "<li><b>Sanne</b> de Vries</li> Michael Kors Echo Show New Jersey\n",
        "Name: DOE, Jane / 山田 太郎 / Mme. Élodie Durand\n",
        "INSERT INTO customers VALUES (7, 'Susan', 'O''Connor');\n",
        "Thank You For Shopping With Us Free Shipping On All Orders Over Fifty\n",
        "Thanks,\nBecky\n",
        "Cc: \"de Jong, Femke\" <fdj@example.com>, Dubois, Benoît\n <bd@example.com>\n",
        "<p>my name is <b>Niamh O&#x27;Sullivan</b></p>\n",
    ];
    let mut k = 0;
    while text.len() < 200_000 {
        text.push_str(parts[k % parts.len()]);
        // Shift alignment against the chunk edges.
        text.push_str(&" ".repeat(k % 7));
        k += 1;
    }
    let engine = Engine::new(KindSet::parse_list("person_name").unwrap_or_default());
    let mut whole = Vec::new();
    engine.scan(text.as_bytes(), &mut whole);
    assert!(whole.len() > 1000);
    let mut chunked = Vec::new();
    let mut scanner = StreamScanner::with_chunk_size(4096);
    scanner
        .scan(
            &engine,
            text.as_bytes(),
            |_| true,
            |hit| {
                chunked.push(hit.finding);
                Ok(())
            },
        )
        .unwrap_or_else(|e| panic!("in-memory read failed: {e}"));
    assert_eq!(whole, chunked);
}

/// Throughput on mixed retail text; run with
/// `cargo test --release -p bw-detect name::tests::throughput -- --ignored --nocapture`.
#[test]
#[ignore = "measurement, not a check; needs a release build"]
fn throughput() {
    let line = "2024-03-12 order #10017 placed by Laura Bennett <laura.b@example.com> \
        for Kindle Oasis (Free Shipping), ship to 1933 Oak Street, Springfield; \
        {\"first_name\":\"Kevin\",\"last_name\":\"Walker\",\"sku\":\"NW-JKT-9180-S\"} \
        <p>Thank you for shopping with Northwind Outfitters. Best Regards, the Team</p>\n";
    // A file of real mixed text (e.g. a generated corpus, concatenated)
    // can be measured instead of the synthetic line.
    let hay = match std::env::var("BW_NAME_BENCH_FILE") {
        Ok(path) => {
            String::from_utf8_lossy(&std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}")))
                .into_owned()
        }
        Err(_) => line.repeat(64 * 1024 * 1024 / line.len()),
    };
    let built = std::time::Instant::now();
    let d = NameDetector::new();
    println!("lexicon and context built in {:?}", built.elapsed());
    let mut out = Vec::new();
    // On a shared machine wall time mostly measures the neighbours: report
    // this thread's CPU time too (Linux schedstat, in ns), where available.
    let cpu_ns = || {
        std::fs::read_to_string("/proc/thread-self/schedstat")
            .ok()
            .and_then(|s| s.split(' ').next().and_then(|n| n.parse::<u64>().ok()))
    };
    let (t, c) = (std::time::Instant::now(), cpu_ns());
    d.find(hay.as_bytes(), &Hints::NONE, &mut out);
    let secs = t.elapsed().as_secs_f64();
    let mb = hay.len() as f64 / 1e6;
    let cpu = match (c, cpu_ns()) {
        (Some(a), Some(b)) => format!("{:.0} MB/s of CPU time", mb / ((b - a) as f64 / 1e9)),
        _ => "CPU time unavailable".to_string(),
    };
    println!(
        "name detector: {:.0} MB/s wall, {cpu}, {} findings",
        mb / secs,
        out.len()
    );
    assert!(!out.is_empty());
}

#[test]
fn ascii_surname_path_agrees_with_the_general_one() {
    let d = NameDetector::new();
    for w in [
        "Smith",
        "SMITH",
        "O'Brien",
        "OBRIEN",
        "Smith-Jones",
        "Garcia-",
        "-Garcia",
        "Nosuchname",
        "van der",
        "McCarthy",
        "D'Angelo",
        "Garcia--Lopez",
        "o'",
        "'",
        "",
    ] {
        assert_eq!(
            d.surname_ascii(w.as_bytes()),
            d.surname_general(w.as_bytes()),
            "{w:?}"
        );
    }
    assert!(d.surname_ascii(b"O'Brien") && d.surname_ascii(b"Smith-Jones"));
}

#[test]
fn the_eight_byte_skip_stops_exactly_where_a_name_may_start() {
    for lane in 0..8 {
        for b in 0..=255u8 {
            for before in 0..=255u8 {
                let mut w = [b'a'; 8];
                w[lane] = b;
                let prev = if lane == 0 {
                    before
                } else {
                    w[lane - 1] = before;
                    b'a'
                };
                let want = (b.is_ascii_uppercase() && !is_word_byte(before)) || b >= 0xC3;
                let got = name_starts(u64::from_le_bytes(w), prev) >> (8 * lane + 7) & 1 == 1;
                assert_eq!(got, want, "{b:#x} after {before:#x} at {lane}");
            }
        }
    }
}

#[test]
fn eight_letters_at_a_time_agree_with_one_at_a_time() {
    let bytes = [
        b'a', b'Z', b'A', b'z', b'@', b'[', b'`', b'{', b'0', b' ', 0xC3, 0xE1, 0x9F,
    ];
    let mut seed = 7u64;
    for len in 0..14 {
        for _ in 0..2000 {
            let hay: Vec<u8> = (0..len)
                .map(|_| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    // Mostly letters, so runs of every length up to eight occur.
                    let k = (seed >> 33) as usize % (bytes.len() * 2);
                    bytes[if k < bytes.len() { k } else { k % 4 }]
                })
                .collect();
            for p in 0..=hay.len() {
                let run = hay[p..]
                    .iter()
                    .take(8)
                    .take_while(|b| b.is_ascii_alphabetic())
                    .count();
                let capitals = hay[p..p + run]
                    .iter()
                    .filter(|b| b.is_ascii_uppercase())
                    .count();
                assert_eq!(ascii_letters_at(&hay, p), (run, capitals), "{hay:?} at {p}");
            }
        }
    }
}

#[test]
fn letter_ranges_agree_with_is_alphabetic() {
    for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
        assert_eq!(
            is_letter(c),
            c.is_alphabetic(),
            "{c:?} U+{:04X}",
            u32::from(c)
        );
    }
}

#[test]
fn a_maker_named_after_a_person_is_known_by_the_product_after_it() {
    for hay in [
        "<h1>Laura Ashley Slim Fit Jacket</h1>\n",
        "<title>Karen Millen Wrap Dress | Shop</title>\n",
        "\"prefers Joe Browns products; ref 123456789\"\n",
        "new Karen Millen jeans in stock",
    ] {
        assert!(found(hay).is_empty(), "{hay:?}: {:?}", found(hay));
    }
    // A person before a verb or a comma stays a person.
    for (hay, name) in [
        ("Laura Bennett ordered a jacket", "Laura Bennett"),
        (
            "Dear Laura Bennett, your Slim Fit Jacket shipped",
            "Laura Bennett",
        ),
    ] {
        assert_eq!(found(hay), vec![name.to_string()], "{hay:?}");
    }
}

#[test]
fn a_given_name_alone_under_a_closing_line_signs_a_letter() {
    for (hay, name) in [
        ("it never arrived.\n\nThanks,\nBecky\n", "Becky"),
        ("see you.\r\nKind regards,\r\n  Siobhán \r\n", "Siobhán"),
        ("Mit freundlichen Grüßen\nJürgen\n\nPS: call me", "Jürgen"),
        ("Cheers!\nMarcus", "Marcus"),
        ("With best wishes,\nPriya\n", "Priya"),
        ("Thanks again for your help!\nOmar\n", "Omar"),
        ("Bien à vous,\nCamille\n", "Camille"),
    ] {
        assert_eq!(found(hay), [name], "{hay:?}");
    }
    for hay in [
        // Not a given name, not alone on its line, not under a closing.
        "Thanks,\nManagement\n",
        "Thanks,\nBecky and the team\n",
        "Thanks, Becky\n",
        "Order shipped,\nBecky\n",
        "Thanks for all the work on the release of version three,\nBecky\n",
        "Thanks,\n\nBecky\n",
        "Regards,\nUS\n",
        // A closing word in a line that is not a closing.
        "Best sellers this month:\nMay\n",
        "Best before\nJune\n",
        "Our best offers,\nJune\n",
        "I love it!\nVictoria\n",
    ] {
        assert_eq!(found(hay), Vec::<String>::new(), "{hay:?}");
    }
}

#[test]
fn a_display_name_filed_last_comma_first_is_one_name() {
    for (hay, name) in [
        ("Cc: \"Nguyen, Jan\" <jn@example.com>\n", "Nguyen, Jan"),
        (
            "Cc: \"de Vries, Femke\" <fdv@example.com>\n",
            "Vries, Femke",
        ),
        (
            "To: \"O'Brien, Niamh\" <nob@example.com>\n",
            "O'Brien, Niamh",
        ),
        (
            "To: a@example.com, \"Esposito, Chiara\"\n <ce@example.com>\n",
            "Esposito, Chiara",
        ),
        // A decoded encoded word: bare, the comma was inside the word.
        ("Cc: Dubois, Benoît <bd@example.com>\n", "Dubois, Benoît"),
        (
            "Cc: Dos Santos Fernandes, José María\n <jm@example.com>\n",
            "Dos Santos Fernandes, José María",
        ),
    ] {
        assert_eq!(found(hay), [name], "{hay:?}");
    }
    for hay in [
        // Not a display name: no address follows, or not a mailbox header.
        "Subject: Nguyen, Jan\n",
        "Re: \"Smith, Winter\" catalogue\n",
        "X-Note: Orders, Returns <r@example.com>\n",
        "Cc: \"Orders, Returns\" <r@example.com>\n",
    ] {
        assert_eq!(found(hay), Vec::<String>::new(), "{hay:?}");
    }
}

#[test]
fn an_apostrophe_written_as_an_html_reference_joins_a_surname() {
    for (hay, name) in [
        (
            "<p>my name is <b>Niamh O&#x27;Sullivan</b> and",
            "Niamh O&#x27;Sullivan",
        ),
        (
            "<td>Customer</td><td>Declan O&#39;Connor</td>",
            "Declan O&#39;Connor",
        ),
        ("Dear Mr. Patrick O&apos;Brien,", "Patrick O&apos;Brien"),
    ] {
        assert_eq!(found(hay), [name], "{hay:?}");
    }
    // Not a joiner before a non-letter, nor another reference.
    assert_eq!(found("Dear Niamh O&#x27; and"), Vec::<String>::new());
    assert_eq!(found("Dear Jane Doe&amp;Co"), ["Jane Doe"]);
}
