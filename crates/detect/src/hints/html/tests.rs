use super::*;

fn hints_of(data: &[u8], step: usize) -> Vec<(String, Field)> {
    let mut h = HtmlHinter::new();
    for chunk in data.chunks(step) {
        h.feed(chunk);
    }
    let mut out = Vec::new();
    h.hints_in(0, data.len(), &mut out);
    out.iter()
        .map(|x| {
            (
                String::from_utf8_lossy(&data[x.start..x.end])
                    .trim()
                    .to_string(),
                x.field,
            )
        })
        .collect()
}

fn want(v: &[(&str, Field)]) -> Vec<(String, Field)> {
    v.iter().map(|(s, f)| (s.to_string(), *f)).collect()
}

#[test]
fn attributes_name_text_and_values_across_any_chunking() {
    let data = br#"<!DOCTYPE html><html><head><style>td{}</style><script>if (a<b) x="<td class=phone>";</script></head>
<body><!-- <span itemprop="email">no</span> -->
<div itemscope itemtype="https://schema.org/Person"><span itemprop="name">Maren Lindqvist</span>
 <span itemprop="telephone">(415) 555-0123</span><meta itemprop="birthDate" content="1987-03-14"></div>
<div itemscope itemtype="https://schema.org/Product"><h2 itemprop="name">Harbor Tote</h2></div>
<p class="customer-phone"><a href="tel:x">4155550199</a> <b>x</b></p>
<input type="text" name="customer[dob]" value="03/14/1987"><input value="skip" name="dob">
<input autocomplete="shipping given-name" value='Tobias'><span data-phone="2125550100">call</span>
<p class="order-id">4155550177</p><div class="card">Jane</div>
</body></html>"#;
    let w = want(&[
        ("Maren Lindqvist", Field::FullName),
        ("(415) 555-0123", Field::Phone),
        ("1987-03-14", Field::DateOfBirth),
        ("4155550199", Field::Phone),
        ("x", Field::Phone),
        ("03/14/1987", Field::DateOfBirth),
        ("Tobias", Field::GivenName),
        ("2125550100", Field::Phone),
        ("4155550177", Field::Id),
    ]);
    for step in [1, 2, 3, 7, 64, data.len()] {
        assert_eq!(hints_of(data, step), w, "step {step}");
    }
}

#[test]
fn labels_name_the_value_after_them() {
    let data = br#"<dl><dt>Date of birth</dt><dd>14 March 1987</dd><dt>Note</dt><dd>VIP</dd></dl>
<label for="ph">Phone</label> <input id="ph" value="4155550123">
<label>Email:</label><span>a@b.example</span>
<p><b>Mobile:</b> 212 555 0100</p><p><b>Bold</b> 212 555 0101</p>
<table><tr><th>SSN</th><td>078051120</td></tr><tr><td>zip</td><td>94110</td></tr></table>"#;
    let w = want(&[
        ("14 March 1987", Field::DateOfBirth),
        ("4155550123", Field::Phone),
        ("a@b.example", Field::Email),
        ("212 555 0100", Field::Phone),
        ("078051120", Field::Ssn),
        ("94110", Field::Postcode),
    ]);
    for step in [1, 5, data.len()] {
        assert_eq!(hints_of(data, step), w, "step {step}");
    }
}

#[test]
fn header_cells_name_their_columns_and_rows_are_records() {
    // The shape `DataFrame.to_html` writes: an index column of `<th>`s.
    let data = br#"<table border="1" class="dataframe">
  <thead>
    <tr style="text-align: right;"><th></th><th>first_name</th><th colspan="2">phone</th><th>order_id</th></tr>
  </thead>
  <tbody>
    <tr><th>0</th><td>Maren</td><td>x</td><td>4155550123</td><td>4155550124</td></tr>
    <tr><th>1</th><td>Tobias<td>y<td>2125550100<td>2125550101
  </tbody>
</table>
<ul><li>a@x.example <ul><li>b@x.example</li></ul></li><li>c@x.example</li></ul>"#;
    let w = want(&[
        ("Maren", Field::GivenName),
        ("x", Field::Phone),
        ("4155550123", Field::Phone),
        ("4155550124", Field::Id),
        ("Tobias", Field::GivenName),
        ("y", Field::Phone),
        ("2125550100", Field::Phone),
        ("2125550101", Field::Id),
    ]);
    assert_eq!(hints_of(data, 3), w);
    assert_eq!(hints_of(data, data.len()), w);
    let mut h = HtmlHinter::new();
    h.feed(data);
    let at = |s: &str| {
        let p = memchr::memmem::find(data, s.as_bytes()).expect("in data");
        h.record_at(p)
    };
    let header = at("first_name");
    assert!(header.is_some());
    assert!(at("Maren").is_some() && at("Maren") == at("4155550124"));
    assert!(at("Tobias").is_some() && at("Tobias") == at("2125550101"));
    assert_ne!(at("Maren"), at("Tobias"));
    assert_ne!(at("Maren"), header);
    assert!(at("a@x").is_some() && at("a@x") == at("b@x"));
    assert!(at("c@x").is_some() && at("c@x") != at("a@x"));
    assert_eq!(at("dataframe"), None);
}

#[test]
fn items_are_records_and_a_person_property_joins_its_item() {
    let data = br#"<div itemscope itemtype="https://schema.org/Order">
<span itemprop="orderNumber">A1</span>
<div itemprop="customer" itemscope itemtype="https://schema.org/Person"><span itemprop="name">Ann Lee</span>
<div itemprop="address" itemscope itemtype="https://schema.org/PostalAddress"><span itemprop="streetAddress">1 Main St</span></div></div>
</div>
<div itemscope itemtype="https://schema.org/Order"><span itemprop="email">b@x.example</span></div>"#;
    let mut h = HtmlHinter::new();
    h.feed(data);
    let at = |s: &str| {
        let p = memchr::memmem::find(data, s.as_bytes()).expect("in data");
        h.record_at(p)
    };
    assert!(at("A1").is_some());
    assert_eq!(at("Ann Lee"), at("A1"));
    assert_eq!(at("1 Main St"), at("A1"));
    assert!(at("b@x").is_some() && at("b@x") != at("A1"));
}

#[test]
fn sniffs_documents_by_name_or_head() {
    assert!(HtmlHinter::sniff("a/page.HTML", b"hello").is_some());
    assert!(HtmlHinter::sniff("x", b"\xEF\xBB\xBF <!DOCTYPE html>").is_some());
    assert!(HtmlHinter::sniff("x", b"<html lang=en>").is_some());
    assert!(HtmlHinter::sniff("x", b"<table border=\"1\" class=\"dataframe\">").is_some());
    assert!(HtmlHinter::sniff("x", b"<?xml version=\"1.0\"?>\n<html xmlns=").is_some());
    assert!(HtmlHinter::sniff("x", b"<?xml version=\"1.0\"?>\n<feed>").is_none());
    assert!(HtmlHinter::sniff("x", b"Dear Ann, <b>").is_none());
}

#[test]
fn hostile_input_stays_bounded() {
    let mut deep = Vec::new();
    for _ in 0..10_000 {
        deep.extend_from_slice(b"<div class=\"phone\"><span>");
    }
    deep.extend_from_slice(b"4155550123");
    for _ in 0..10_000 {
        deep.extend_from_slice(b"</span></div>");
    }
    let mut h = HtmlHinter::new();
    h.feed(&deep);
    assert!(h.stack.len() <= MAX_DEPTH);
    let mut big = b"<p class=\"".to_vec();
    big.resize(1 << 20, b'a');
    big.extend_from_slice(b" phone\">4155550123</p><td <p <<<< </ </x> \"");
    let mut h = HtmlHinter::new();
    h.feed(&big);
    assert!(h.tag.value.len() <= MAX_VALUE);
}

/// [`hints_of`] for every chunking, checked to agree.
fn hints_every_chunking(data: &[u8]) -> Vec<(String, Field)> {
    let w = hints_of(data, data.len());
    for step in [1, 2, 3, 7, 64] {
        assert_eq!(hints_of(data, step), w, "step {step}");
    }
    w
}

#[test]
fn a_labelled_credential_is_one_short_token() {
    // What libxslt's API index and socat's manual write: a definition
    // list whose term is `pass` or `login`, its definition prose or a
    // list of links.
    let docs = b"<dl><dt>pass</dt><dd><a href=\"x.html#A\">XSLT_PARSE_OPTIONS</a><br />\n\
<a href=\"x.html#B\">xsltEvalXPathStringNs</a><br />\n</dd>\
<dt><strong><code>login</code></strong><dd>\n   Prefixes \n<code>argv[0]</code>\n for the program</dd></dl>\n\
<p><b>Login:</b> see the section below</p>";
    assert_eq!(hints_every_chunking(docs), want(&[]));
    // A details list, a label and a bold label before one token are.
    let creds = b"<dl><dt>Password</dt><dd><code>Tr0ub4dor&amp;3</code></dd>\
<dt>login</dt><dd>\n  mlindqvist\n</dd></dl><p><b>Login:</b> tobias.k<br></p>";
    assert_eq!(
        hints_every_chunking(creds),
        want(&[
            ("Tr0ub4dor&amp;3", Field::Password),
            ("mlindqvist", Field::Username),
            ("tobias.k", Field::Username),
        ])
    );
    // One token whose element goes on past the reach is not one.
    let long = format!(
        "<dl><dt>Password</dt><dd>s3cret<span>{}</span></dd></dl>",
        " ".repeat(300)
    );
    assert_eq!(hints_every_chunking(long.as_bytes()), want(&[]));
    // A form control's value is not held to it.
    let form = b"<label for=\"p\">Password</label><input id=\"p\" value=\"two words\">";
    assert_eq!(
        hints_every_chunking(form),
        want(&[("two words", Field::Password)])
    );
}
