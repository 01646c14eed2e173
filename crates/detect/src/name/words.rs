//! Fixed word lists that rule a run in or out without the lexicon: titles,
//! surname particles, and the street, place, product and calendar words
//! that mark a capitalised run as something other than a person. Kept
//! apart from the orchestration so the lists can grow without burying the
//! logic; the frequency-ranked name lists live in `lexicon`.

use super::lexicon::{lower, MAX_TOKEN};
use super::run::Word;

/// `fn $name(s: &str) -> bool`: whether `s` is one of the words, as a
/// `match` on literals (a length switch, then a comparison or two). Asked of
/// most capitalised words; a scan of a list compared each entry in turn.
macro_rules! word_list {
    ($(#[$doc:meta])* $name:ident: $($word:literal),+ $(,)?) => {
        $(#[$doc])*
        pub(super) fn $name(s: &str) -> bool {
            matches!(s, $($word)|+)
        }
    };
}

word_list!(
    /// Titles before a name (lowercased, without a full stop): outside the
    /// finding, but strong evidence.
    is_title:
        "m", "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "mme", "mlle",
        "madame", "monsieur", "herr", "frau", "sr", "sra", "srta", "señor", "señora", "sig",
        "sig.ra", "signor", "signora", "dott", "dr.in", "rev", "lady", "lord",
);

/// Lowercase particles inside surnames (`van der Berg`, `de la Cruz`).
pub(super) const PARTICLES: &[&[u8]] = &[
    b"van", b"von", b"der", b"den", b"de", b"del", b"della", b"di", b"da", b"du", b"la", b"le",
    b"ten", b"ter", b"dos", b"das", b"zu", b"bin", b"al", b"y",
];

word_list!(
    /// Words of the closing line a letter is signed under ("Kind regards,",
    /// "Thanks!", "Mit freundlichen Grüßen"), lowercased.
    is_closing:
        "thanks", "thank", "thx", "regards", "cheers", "sincerely", "best", "wishes", "yours",
        "faithfully", "truly", "cordially", "greetings", "love", "warmly", "merci",
        "cordialement", "salutations", "grüße", "grüßen", "gruß", "groeten", "groet", "saludos",
        "atentamente", "saluti", "cordiali", "distinti", "cumprimentos", "hälsningar", "mvh",
        "danke", "gracias", "obrigado", "obrigada", "atenciosamente", "bises", "bisous", "bien",
);

word_list!(
    /// The other words a closing line is made of ("Kind regards", "With
    /// best wishes", "Thanks again for your help", "Bien à vous", "Mit
    /// freundlichen Grüßen"), lowercased: a closing line holds nothing
    /// else, so "Best sellers this month:" or "I love it!" over a lone
    /// capitalised word is no signature.
    is_closing_filler:
        "kind", "kindest", "warm", "warmest", "with", "many", "all", "the", "very", "much",
        "you", "your", "for", "and", "again", "in", "advance", "so", "a", "lot", "take", "help",
        "support", "time", "patience",
        "care", "my", "our", "mit", "freundlichen", "herzlichen", "herzliche", "liebe",
        "lieben", "viele", "vielen", "beste", "besten", "dank", "à", "vous", "bonne",
        "journée", "très", "avec", "mes", "nos", "meilleures", "sincères", "muchas", "un",
        "saludo", "cordial", "cordiales", "muito", "met", "vriendelijke", "hartelijke",
        "distinti", "molte", "grazie", "tante", "melhores", "com",
);

word_list!(
    /// Words after a capitalised pair that make it a street.
    is_street_word:
        "street", "st", "avenue", "ave", "road", "rd", "lane", "ln", "blvd", "boulevard",
        "drive", "way", "court", "ct", "place", "pl", "terrace", "square", "parkway", "pkwy",
        "highway", "hwy", "close", "crescent", "straße", "strasse", "str", "weg", "allee",
        "platz", "gasse", "rue", "chemin", "calle", "via", "plaza", "park", "hall", "center",
        "centre", "university", "college", "school", "hospital", "church", "bridge", "station",
        "airport", "county", "city",
);

word_list!(
    /// First words of place names built like "Given Surname" (`San Ramon`,
    /// `Santa Helena`, `Fort Myers`, `Mount Isa`), as in city columns and
    /// geocoding tables.
    is_place_head:
        "san", "santa", "santo", "são", "sao", "saint", "st", "ste", "fort", "ft", "port",
        "porto", "puerto", "mount", "mt", "cape", "lake", "los", "las", "rio", "nova", "novo",
        "villa", "vila",
);

word_list!(
    /// Last words of place names (`Nelson Bay`, `Victoria River`, `Rocky
    /// Creek`). Words that are also common surnames (`Hill`, `Park`, `Lake`,
    /// `Beach`, `Downs`: all in the US census's top 2,000) are left out.
    is_place_type:
        "river", "creek", "island", "islands", "bay", "springs", "valley", "falls", "harbor",
        "harbour", "heights", "junction", "lakes", "point", "hills", "mountain", "mountains",
        "town", "township", "plains", "crossing", "landing",
);

word_list!(
    /// Last words of product names in a retailer's catalogue. Left out:
    /// nouns that are common surnames somewhere (`Coats`, `Boots`, `Bell`,
    /// `Rice`, `Tee`).
    is_product_noun:
        "dress", "dresses", "skirt", "blouse", "shirt", "tshirt", "hoodie", "sweater",
        "sweatshirt", "jumper", "cardigan", "jacket", "parka", "jeans", "trousers", "pants",
        "shorts", "leggings", "joggers", "socks", "scarf", "gloves", "beanie", "sneakers",
        "trainers", "sandals", "loafers", "heels", "slippers", "tote", "backpack", "handbag",
        "purse", "wallet", "necklace", "bracelet", "earrings", "pendant", "lipstick", "mascara",
        "eyeliner", "perfume", "fragrance", "serum", "moisturiser", "moisturizer", "shampoo",
        "conditioner", "candle", "mug", "cushion", "duvet", "blanket", "lamp", "sofa", "cake",
        "cookies", "sponge",
);

word_list!(
    /// Month and weekday names and abbreviations, several of them given
    /// names (`April`, `May`, `June`, `Jun`, `Sun`): side by side in fields
    /// they are a calendar.
    is_calendar_word:
        "jan", "january", "feb", "february", "mar", "march", "apr", "april", "may", "jun",
        "june", "jul", "july", "aug", "august", "sep", "sept", "september", "oct", "october",
        "nov", "november", "dec", "december", "mon", "monday", "tue", "tues", "tuesday", "wed",
        "wednesday", "thu", "thur", "thurs", "thursday", "fri", "friday", "sat", "saturday",
        "sun", "sunday",
);

/// Whether `word`, lowercased and without a trailing full stop (`St.`,
/// `Mt.`), is in `list`.
pub(super) fn abbreviation_in(word: &[u8], list: fn(&str) -> bool) -> bool {
    let mut buf = [0u8; MAX_TOKEN];
    lower(word, &mut buf).is_some_and(|w| list(w.trim_end_matches('.')))
}

/// Whether `w` is a particle written with a capital (`De`, `Van`).
// Inlined into `neighbour_field` as when the detector was one module.
#[inline]
pub(super) fn is_capital_particle(hay: &[u8], w: Word) -> bool {
    let mut buf = [0u8; MAX_TOKEN];
    lower(&hay[w.start..w.end], &mut buf).is_some_and(|l| PARTICLES.contains(&l.as_bytes()))
}
