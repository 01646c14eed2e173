//! Matching one record's findings against the registry, and tallying the
//! results per thread.

use std::collections::hash_map::RandomState;
use std::collections::{BTreeSet, HashMap};
use std::hash::BuildHasher;

use bw_detect::Kind;
use bw_registry::normalize::{email, name};
use bw_registry::{Forms, IdKind, Lookups, Match, Registry};

pub use bw_scan::Item;

use crate::distinct::Distinct;
use crate::phone::{Leaked, Region};
use crate::report::{Affected, Ambiguous, Evidence, ScopeReport, Unmatched};
use crate::ScopeOptions;

/// The kinds scope looks at, in report order (alphabetical, so that
/// `matched` lists and combination keys read the same everywhere).
pub(crate) const KINDS: [Kind; 3] = bw_scan::records::IDENTIFIERS;
const E: usize = 0;
const N: usize = 1;
const P: usize = 2;

fn slot(kind: Kind) -> Option<usize> {
    KINDS.iter().position(|k| *k == kind)
}

/// Weight of one matched identifier: how sure a lone match of it makes us.
/// Emails and phones are personal and nearly unique; a name is shared by
/// many people even when only one customer has it.
fn weight(kind: usize, exact: bool) -> f32 {
    match (kind, exact) {
        (E, true) => 0.95,
        (E, false) => 0.8,
        (P, _) => 0.9,
        (_, true) => 0.6,
        (_, false) => 0.5,
    }
}

/// [`weight`] by registry kind, for confidences computed outside a
/// record (the data-lake join, `lake::confidence`).
pub(crate) fn weight_of(kind: bw_registry::IdKind, exact: bool) -> f32 {
    let slot = match kind {
        bw_registry::IdKind::Email => E,
        bw_registry::IdKind::Name => N,
        bw_registry::IdKind::Phone => P,
    };
    weight(slot, exact)
}

/// What every thread shares: the registry, the regions to try for
/// national phone numbers, and the seed of the hash that counts distinct
/// values.
pub struct Context<'r> {
    pub(crate) reg: &'r Registry,
    pub(crate) opts: ScopeOptions,
    fallback: Vec<Region>,
    /// Random per run, so the 64-bit keys of values are not predictable.
    seed: u64,
}

impl<'r> Context<'r> {
    /// `opts.phone_regions` empty means: the registry's countries, most
    /// frequent first (at most 16; one pass over the customers).
    pub fn new(reg: &'r Registry, opts: &ScopeOptions) -> Context<'r> {
        let codes = if opts.phone_regions.is_empty() {
            registry_countries(reg, 16)
        } else {
            opts.phone_regions.clone()
        };
        let fallback = codes.iter().filter_map(|c| Region::new(c)).collect();
        // Most identifiers in a leak are not customers': let those skip the
        // index (the dominant cost of scope without it).
        reg.build_prefilter();
        Context {
            reg,
            opts: opts.clone(),
            fallback,
            seed: RandomState::new().hash_one(0u8),
        }
    }

    /// Codes of the regions tried for national phones with no other clue.
    pub fn fallback_regions(&self) -> Vec<String> {
        self.fallback.iter().map(|r| r.code.clone()).collect()
    }

    pub fn matcher(&self) -> Matcher<'_, 'r> {
        Matcher {
            ctx: self,
            tally: Tally::default(),
            batch: Batch::default(),
            regions: Vec::new(),
            e164: Vec::new(),
        }
    }

    /// Merges the threads' tallies into the report's matching part.
    pub fn finish(&self, mut tallies: Vec<Tally>) -> ScopeReport {
        let mut unmatched: [Vec<Distinct>; 3] = Default::default();
        for t in &mut tallies {
            for (sets, set) in unmatched.iter_mut().zip(&mut t.unmatched) {
                sets.push(std::mem::take(set));
            }
        }
        // Millions of keys per kind at full size: one thread per kind
        // counts them while this one merges the rest.
        std::thread::scope(|scope| {
            let counts =
                unmatched.map(|sets| scope.spawn(move || Distinct::union_len(sets) as u64));
            let mut report = self.merge(tallies);
            let [email, person_name, phone_number] = counts.map(|h| match h.join() {
                Ok(n) => n,
                Err(panic) => std::panic::resume_unwind(panic),
            });
            report.unmatched = Unmatched {
                email,
                person_name,
                phone_number,
            };
            report
        })
    }

    /// Everything of [`Context::finish`] but the distinct unmatched counts.
    fn merge(&self, tallies: Vec<Tally>) -> ScopeReport {
        let mut all = Tally::default();
        for t in tallies {
            all.merge(t, self.opts.max_evidence);
        }
        let mut affected: Vec<Affected> = all
            .affected
            .into_iter()
            .filter_map(|(ix, acc)| {
                let c = self.reg.customer(ix)?;
                let matched = (0..3)
                    .filter(|&k| acc.weights[k] > 0.0)
                    .map(|k| KINDS[k].as_str())
                    .collect();
                let miss: f32 = acc.weights.iter().map(|w| 1.0 - w).product();
                Some(Affected {
                    customer_id: c.id.to_string(),
                    country: c.country.to_string(),
                    region: c.region.to_string(),
                    matched,
                    exposed: acc.exposed.into_iter().collect(),
                    confidence: ((1.0 - miss) * 1000.0).round() / 1000.0,
                    occurrences: acc.occurrences,
                    evidence: acc.evidence,
                    shared: acc.shared,
                })
            })
            .collect();
        affected.sort_by(|a, b| a.customer_id.cmp(&b.customer_id));
        let mut ambiguous: Vec<Ambiguous> = all.ambiguous.into_values().collect();
        ambiguous.sort_by(|a, b| {
            a.kind
                .cmp(b.kind)
                .then(b.occurrences.cmp(&a.occurrences))
                .then(
                    a.evidence
                        .first()
                        .map(|e| (&e.path, e.start))
                        .cmp(&b.evidence.first().map(|e| (&e.path, e.start))),
                )
        });
        let unmatched_values = self.opts.reveal.then(|| {
            (0..3)
                .map(|k| {
                    let v: Vec<String> = std::mem::take(&mut all.unmatched_values[k])
                        .into_iter()
                        .collect();
                    (KINDS[k].as_str(), v)
                })
                .collect()
        });
        ScopeReport {
            affected,
            ambiguous,
            unmatched_values,
            names_contradicted: all.names_contradicted,
            ..ScopeReport::default()
        }
    }
}

/// Distinct countries of the registry's customers, most frequent first.
fn registry_countries(reg: &Registry, max: usize) -> Vec<String> {
    reg.country_counts()
        .into_iter()
        .take(max)
        .map(|(c, _)| c.to_string())
        .collect()
}

/// One identifier of a record attributed to one customer.
struct Hit<'a> {
    customer: u32,
    kind: usize,
    weight: f32,
    r: &'a Resolved,
    shared: bool,
}

/// Per-customer accumulator: O(affected customers), whatever the leak size.
#[derive(Clone, Debug, Default)]
struct Acc {
    /// Best weight seen per kind (0 = not matched).
    weights: [f32; 3],
    occurrences: u64,
    evidence: Vec<Evidence>,
    /// Kinds exposed with this customer: matched identifiers and the other
    /// personal data of the records they were matched in.
    exposed: BTreeSet<&'static str>,
    /// Reached through an email or phone the registry holds for several
    /// accounts.
    shared: bool,
}

/// One thread's results; merged by [`Context::finish`].
#[derive(Debug, Default)]
pub struct Tally {
    affected: HashMap<u32, Acc>,
    /// Keyed by kind and a hash of the normalised value.
    ambiguous: HashMap<(usize, u64), Ambiguous>,
    /// 64-bit hashes of distinct normalised unmatched values: 8 bytes per
    /// distinct value (up to twice that between compactions), never the
    /// value itself.
    unmatched: [Distinct; 3],
    unmatched_values: [BTreeSet<String>; 3],
    /// Name matches dropped because the record's email or phone belongs to
    /// someone else (see the crate docs).
    names_contradicted: u64,
}

impl Tally {
    fn merge(&mut self, mut other: Tally, max_evidence: usize) {
        for (ix, acc) in other.affected {
            let mine = self.affected.entry(ix).or_default();
            for k in 0..3 {
                mine.weights[k] = mine.weights[k].max(acc.weights[k]);
            }
            mine.occurrences += acc.occurrences;
            mine.exposed.extend(acc.exposed);
            mine.shared |= acc.shared;
            for e in acc.evidence {
                if mine.evidence.len() < max_evidence {
                    mine.evidence.push(e);
                }
            }
        }
        for (key, amb) in other.ambiguous {
            match self.ambiguous.get_mut(&key) {
                Some(mine) => {
                    mine.occurrences += amb.occurrences;
                    for e in amb.evidence {
                        if mine.evidence.len() < AMBIGUOUS_EVIDENCE {
                            mine.evidence.push(e);
                        }
                    }
                }
                None => {
                    self.ambiguous.insert(key, amb);
                }
            }
        }
        self.names_contradicted += other.names_contradicted;
        for k in 0..3 {
            self.unmatched_values[k].append(&mut other.unmatched_values[k]);
        }
    }
}

const AMBIGUOUS_EVIDENCE: usize = 4;

/// One identifier of a record after lookup.
struct Resolved {
    kind: usize,
    span: (u64, u64),
    /// The family name's span, for a given name and family name found
    /// apart (`span` is the given name's).
    second: Option<(u64, u64)>,
    value: String,
    /// Hash of the normalised value (for distinct counts).
    key: u64,
    cands: Vec<Match>,
}

impl Resolved {
    fn new(kind: usize, span: (u64, u64), key: u64, value: String) -> Resolved {
        Resolved {
            kind,
            span,
            second: None,
            value,
            key,
            cands: Vec::new(),
        }
    }

    fn spans(&self) -> impl Iterator<Item = (u64, u64)> {
        std::iter::once(self.span).chain(self.second)
    }
}

/// Records queued for matching together (see [`Matcher::record`]).
#[derive(Default)]
struct Batch {
    path: String,
    items: Vec<Item>,
    /// Each record's end in `items`.
    ends: Vec<usize>,
}

/// Records matched together: enough identifiers that the registry
/// prefilter's cache misses overlap, few enough to stay in cache.
const BATCH_RECORDS: usize = 128;

/// Matches records for one thread. Cheap to create; reuse per thread.
pub struct Matcher<'c, 'r> {
    ctx: &'c Context<'r>,
    tally: Tally,
    batch: Batch,
    regions: Vec<Region>,
    e164: Vec<String>,
}

impl Matcher<'_, '_> {
    /// What this thread matched, queued records included.
    pub fn into_tally(mut self) -> Tally {
        self.flush();
        // Here, in the worker's thread, rather than serially in `finish`.
        for d in &mut self.tally.unmatched {
            d.compact();
        }
        self.tally
    }

    fn hash(&self, kind: usize, norm: &str) -> u64 {
        // xxh3: a fifth of SipHash's cost on these short strings. Values
        // of different kinds are never compared, so the kind only varies
        // the seed.
        xxhash_rust::xxh3::xxh3_64_with_seed(norm.as_bytes(), self.ctx.seed ^ kind as u64)
    }

    /// Queues the findings of one record (see the crate docs for what a
    /// record is) found in member `path`, taking them out of `items`.
    /// Records are matched in batches, in order; [`Matcher::flush`] or
    /// [`Matcher::into_tally`] matches what is still queued.
    pub fn record(&mut self, path: &str, items: &mut Vec<Item>) {
        if items.is_empty() {
            return;
        }
        if self.batch.path != path {
            self.flush();
            path.clone_into(&mut self.batch.path);
        }
        self.batch.items.append(items);
        self.batch.ends.push(self.batch.items.len());
        if self.batch.ends.len() >= BATCH_RECORDS {
            self.flush();
        }
    }

    /// Matches the queued records: every email and name of the batch is
    /// looked up in one registry batch, then every phone (whose national
    /// readings depend on the countries the record's emails and names
    /// point to), then each record is settled in queue order, so results
    /// are those of matching the records one by one.
    pub fn flush(&mut self) {
        if self.batch.ends.is_empty() {
            return;
        }
        let mut items = std::mem::take(&mut self.batch.items);
        let mut ends = std::mem::take(&mut self.batch.ends);
        let (res, res_counts) = self.emails_and_names(&mut items, &ends);
        let (phones, phone_counts) = self.phones(&mut items, &ends, &res, &res_counts);
        let path = std::mem::take(&mut self.batch.path);
        let mut res_left = res.into_iter();
        let mut phones_left = phones.into_iter();
        let mut record: Vec<Resolved> = Vec::new();
        let mut extras: Vec<&'static str> = Vec::new();
        let mut start = 0;
        for (r, &end) in ends.iter().enumerate() {
            record.clear();
            record.extend(res_left.by_ref().take(res_counts[r]));
            record.extend(phones_left.by_ref().take(phone_counts[r]));
            // The record's other personal data (cards, dates of birth, …)
            // is exposed with whoever the record turns out to be.
            extras.clear();
            extras.extend(
                items[start..end]
                    .iter()
                    .filter(|i| slot(i.kind).is_none())
                    .map(|i| i.kind.as_str()),
            );
            extras.sort_unstable();
            extras.dedup();
            self.settle(&path, &record, &extras);
            start = end;
        }
        self.batch.path = path;
        items.clear();
        ends.clear();
        self.batch.items = items;
        self.batch.ends = ends;
    }

    /// The batch's emails and names, looked up; with how many of them
    /// each record has (they are in record order).
    fn emails_and_names(&self, items: &mut [Item], ends: &[usize]) -> (Vec<Resolved>, Vec<usize>) {
        let reg = self.ctx.reg;
        let mut res: Vec<Resolved> = Vec::new();
        let mut counts = Vec::with_capacity(ends.len());
        let (mut emails, mut email_ix) = (Lookups::default(), Vec::new());
        let (mut names, mut name_ix) = (Lookups::default(), Vec::new());
        // Split names whose reversed reading is tried if the straight one
        // finds nobody.
        let mut reversed: Vec<(usize, Forms)> = Vec::new();
        let mut parts: Vec<usize> = Vec::new();
        let mut start = 0;
        for &end in ends {
            let before = res.len();
            parts.clear();
            for (i, it) in items.iter_mut().enumerate().take(end).skip(start) {
                let span = (it.start, it.end);
                match slot(it.kind) {
                    Some(E) => {
                        // Normalised once: the form is both the lookup and
                        // the distinct-count key.
                        let key = match email::normalise(&it.value, reg.email_options()) {
                            Ok(f) => {
                                email_ix.push(res.len());
                                emails.push_forms(&f);
                                self.hash(E, &f.exact)
                            }
                            Err(_) => self.hash(E, &it.value.trim().to_lowercase()),
                        };
                        res.push(Resolved::new(E, span, key, std::mem::take(&mut it.value)));
                    }
                    Some(N) => match name::normalise(&it.value) {
                        Some(forms) => {
                            name_ix.push(res.len());
                            names.push_forms(&forms);
                            let key = self.hash(N, &forms.exact);
                            res.push(Resolved::new(N, span, key, std::mem::take(&mut it.value)));
                        }
                        // One word: a given or family name in its own field.
                        None => parts.push(i),
                    },
                    _ => {}
                }
            }
            // A given name and a family name found apart (two CSV columns,
            // two HTML cells) stand for one full name; try both orders.
            for pair in parts.chunks_exact(2) {
                let (a, b) = (&items[pair[0]], &items[pair[1]]);
                let (av, bv) = (a.value.trim(), b.value.trim());
                let value = format!("{av} {bv}");
                let Some(straight) = name::normalise(&value) else {
                    continue;
                };
                if let Some(r) = name::normalise(&format!("{av}, {bv}")) {
                    // Most often the same bag of words: nothing new to try.
                    if r != straight {
                        reversed.push((res.len(), r));
                    }
                }
                name_ix.push(res.len());
                names.push_forms(&straight);
                let key = self.hash(N, &straight.exact);
                let mut both = Resolved::new(N, (a.start, a.end), key, value);
                both.second = Some((b.start, b.end));
                res.push(both);
            }
            counts.push(res.len() - before);
            start = end;
        }
        for (ix, m) in email_ix
            .into_iter()
            .zip(reg.lookup_batch(IdKind::Email, &emails))
        {
            res[ix].cands = m.into();
        }
        for (ix, m) in name_ix
            .into_iter()
            .zip(reg.lookup_batch(IdKind::Name, &names))
        {
            res[ix].cands = m.into();
        }
        reversed.retain(|(ix, _)| res[*ix].cands.is_empty());
        if !reversed.is_empty() {
            names.clear();
            for (_, forms) in &reversed {
                names.push_forms(forms);
            }
            for ((ix, forms), m) in reversed.iter().zip(reg.lookup_batch(IdKind::Name, &names)) {
                if !m.is_empty() {
                    res[*ix].key = self.hash(N, &forms.exact);
                    res[*ix].cands = m.into();
                }
            }
        }
        (res, counts)
    }

    /// The batch's phones, looked up; with how many each record has.
    /// National numbers are read in the countries of the customers the
    /// record's emails and names point to first, and in the registry-wide
    /// fallback regions only when that finds nobody, so a number is read
    /// the way its record suggests.
    fn phones(
        &mut self,
        items: &mut [Item],
        ends: &[usize],
        res: &[Resolved],
        res_counts: &[usize],
    ) -> (Vec<Resolved>, Vec<usize>) {
        let reg = self.ctx.reg;
        let mut phones: Vec<Resolved> = Vec::new();
        let mut counts = Vec::with_capacity(ends.len());
        let mut q = Lookups::default();
        let mut national: Vec<(usize, String)> = Vec::new();
        let (mut start, mut res_at) = (0, 0);
        for (r, &end) in ends.iter().enumerate() {
            let record = &res[res_at..res_at + res_counts[r]];
            res_at += res_counts[r];
            self.regions.clear();
            for m in record.iter().flat_map(|x| &x.cands) {
                if let Some(c) = reg.customer(m.customer) {
                    if !self.regions.iter().any(|x| x.code == c.country) {
                        if let Some(region) = Region::new(c.country) {
                            self.regions.push(region);
                        }
                    }
                }
            }
            let before = phones.len();
            for it in items[start..end]
                .iter_mut()
                .filter(|i| i.kind == Kind::PhoneNumber)
            {
                let Some(leaked) = Leaked::parse(&it.value) else {
                    continue;
                };
                let key = self.hash(P, leaked.key());
                match leaked {
                    Leaked::International(e164) => q.push_any([e164.as_str()]),
                    Leaked::National(digits) => {
                        self.e164.clear();
                        for region in &self.regions {
                            region.candidates(&digits, &mut self.e164);
                        }
                        q.push_any(self.e164.iter().map(String::as_str));
                        national.push((phones.len(), digits));
                    }
                }
                let value = std::mem::take(&mut it.value);
                phones.push(Resolved::new(P, (it.start, it.end), key, value));
            }
            counts.push(phones.len() - before);
            start = end;
        }
        for (p, m) in phones.iter_mut().zip(reg.lookup_batch(IdKind::Phone, &q)) {
            p.cands = m.into();
        }
        national.retain(|(ix, _)| phones[*ix].cands.is_empty());
        if !national.is_empty() {
            q.clear();
            for (_, digits) in &national {
                self.e164.clear();
                for region in &self.ctx.fallback {
                    region.candidates(digits, &mut self.e164);
                }
                q.push_any(self.e164.iter().map(String::as_str));
            }
            for ((ix, _), m) in national.iter().zip(reg.lookup_batch(IdKind::Phone, &q)) {
                phones[*ix].cands = m.into();
            }
        }
        (phones, counts)
    }

    /// Decides each identifier: a unique match, a match confirmed by
    /// another kind of identifier of the same customer in the record, an
    /// unresolved ambiguity, or no customer at all.
    fn settle(&mut self, path: &str, res: &[Resolved], extras: &[&'static str]) {
        let opts = &self.ctx.opts;
        let mut hits: Vec<Hit> = Vec::new();
        for (i, r) in res.iter().enumerate() {
            match r.cands.len() {
                0 => {
                    self.tally.unmatched[r.kind].insert(r.key);
                    if opts.reveal {
                        self.tally.unmatched_values[r.kind].insert(r.value.clone());
                    }
                }
                1 => hits.push(Hit {
                    customer: r.cands[0].customer,
                    kind: r.kind,
                    weight: weight(r.kind, r.cands[0].exact),
                    r,
                    shared: false,
                }),
                n => {
                    // An email or phone the registry holds, exactly, for
                    // several accounts (legacy duplicates differing in
                    // case, a family mailbox) leaked for every one of
                    // them: each must be told. A name is no such
                    // identifier (many people share one), nor is a folded
                    // variant (it may be someone else's address).
                    let shared = r.kind != N && r.cands.iter().filter(|m| m.exact).count() > 1;
                    let picked: Vec<&Match> = r
                        .cands
                        .iter()
                        .filter(|m| {
                            (shared && m.exact)
                                || res.iter().enumerate().any(|(j, o)| {
                                    j != i
                                        && o.kind != r.kind
                                        && o.cands.iter().any(|x| x.customer == m.customer)
                                })
                        })
                        .collect();
                    if picked.is_empty() {
                        self.ambiguous(path, r, n as u32);
                    }
                    for m in picked {
                        hits.push(Hit {
                            customer: m.customer,
                            kind: r.kind,
                            weight: weight(r.kind, m.exact),
                            r,
                            shared: shared && m.exact,
                        });
                    }
                }
            }
        }
        // A name is shared by many people; the email or phone beside it is
        // not. When the record's own email or phone points elsewhere (or to
        // nobody), the name belongs to that other person, not our customer.
        let contact: Vec<&Resolved> = res.iter().filter(|r| r.kind != N).collect();
        hits.retain(|&Hit { customer, kind, .. }| {
            let agrees = kind != N
                || contact.is_empty()
                || contact
                    .iter()
                    .any(|r| r.cands.iter().any(|m| m.customer == customer));
            if !agrees {
                self.tally.names_contradicted += 1;
            }
            agrees
        });
        let mut seen: Vec<u32> = Vec::new();
        for Hit {
            customer,
            kind,
            weight: w,
            r,
            shared,
        } in hits
        {
            let acc = self.tally.affected.entry(customer).or_default();
            acc.shared |= shared;
            acc.weights[kind] = acc.weights[kind].max(w);
            acc.exposed.insert(KINDS[kind].as_str());
            acc.exposed.extend(extras.iter().copied());
            if !seen.contains(&customer) {
                seen.push(customer);
                acc.occurrences += 1;
            }
            for (start, end) in r.spans() {
                if acc.evidence.len() < opts.max_evidence {
                    acc.evidence
                        .push(evidence(path, start, end, kind, r, opts.reveal));
                }
            }
        }
    }

    fn ambiguous(&mut self, path: &str, r: &Resolved, candidates: u32) {
        let reveal = self.ctx.opts.reveal;
        let entry = self
            .tally
            .ambiguous
            .entry((r.kind, r.key))
            .or_insert_with(|| Ambiguous {
                kind: KINDS[r.kind].as_str(),
                candidates,
                occurrences: 0,
                evidence: Vec::new(),
                value: reveal.then(|| r.value.clone()),
            });
        entry.occurrences += 1;
        if entry.evidence.len() < AMBIGUOUS_EVIDENCE {
            let (start, end) = r.span;
            let last = r.second.map_or(end, |s| s.1);
            entry
                .evidence
                .push(evidence(path, start, last.max(end), r.kind, r, reveal));
        }
    }
}

fn evidence(path: &str, start: u64, end: u64, kind: usize, r: &Resolved, reveal: bool) -> Evidence {
    Evidence {
        path: path.to_string(),
        start,
        end,
        kind: KINDS[kind].as_str(),
        value: reveal.then(|| r.value.clone()),
    }
}
