//! The buyer's language: English, Russian and Spanish, from Fluent catalogues (`locales/<lang>/*.ftl`,
//! compiled in) with CLDR plural rules, so "1 попытка", "3 попытки", "5 попыток" come from one message.
//!
//! Which language a request is answered in: the signed-in person's saved `locale` (set at sign-up from
//! the request, changed with `PATCH /v1/me`), else the page's language cookie, else `Accept-Language`
//! by quality and by language (`es-ES` → `es`), else English. The choice lives in a task-local for the
//! request ([`scope`]); [`text`] and the formatting functions read it. Machine fields (`type`, `code`,
//! `decline_code`, `status`) never go through here.

pub mod format;
mod messages;

use std::cell::Cell;
use std::collections::HashMap;
use std::future::Future;
use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

pub use messages::{code_text, failure_text, notice_id};

/// A language the product is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Locale {
    #[default]
    En,
    Ru,
    Es,
}

impl Locale {
    /// Every language, English first.
    pub const ALL: [Locale; 3] = [Locale::En, Locale::Ru, Locale::Es];

    /// The BCP 47 tag: `en`, `ru`, `es`.
    pub fn code(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Ru => "ru",
            Locale::Es => "es",
        }
    }

    /// A saved or submitted `locale`: exactly `en`, `ru` or `es`.
    pub fn parse(code: &str) -> Option<Locale> {
        Locale::ALL.into_iter().find(|l| l.code() == code)
    }

    /// A language tag matched by its language alone: `es-ES`, `ES`, `es_MX` → `es`.
    pub fn of_tag(tag: &str) -> Option<Locale> {
        let language = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Locale::parse(&language)
    }

    /// The best language of an `Accept-Language` header: tags by quality (highest first, the order
    /// written breaking ties, `q=0` meaning "not this"), each matched by its language; `*` and
    /// languages we do not write are skipped. `None` when nothing matches.
    pub fn negotiate(header: &str) -> Option<Locale> {
        let mut ranked: Vec<(u16, usize, &str)> = Vec::new();
        for (position, item) in header.split(',').enumerate().take(32) {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or("").trim();
            let mut quality = 1000u16;
            for param in parts {
                if let Some(q) = param.trim().strip_prefix("q=").or_else(|| param.trim().strip_prefix("Q=")) {
                    quality = parse_quality(q).unwrap_or(0);
                }
            }
            if !tag.is_empty() && quality > 0 {
                ranked.push((quality, position, tag));
            }
        }
        ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        ranked.into_iter().find_map(|(_, _, tag)| Locale::of_tag(tag))
    }

    /// The language's own name, for the switcher.
    pub fn own_name(self) -> &'static str {
        match self {
            Locale::En => "English",
            Locale::Ru => "Русский",
            Locale::Es => "Español",
        }
    }
}

/// A quality value (`0`, `0.5`, `1.000`) in thousandths.
fn parse_quality(q: &str) -> Option<u16> {
    let q = q.trim();
    let (whole, fraction) = q.split_once('.').unwrap_or((q, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: u16 = match whole {
        "0" => 0,
        "1" => 1,
        _ => return None,
    };
    let thousandths: u16 = format!("{fraction:0<3}").parse().ok()?;
    let value = whole * 1000 + thousandths;
    (value <= 1000).then_some(value)
}

/// What a request is read in: its language and the IANA time zone times are shown in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reader {
    pub locale: Locale,
    pub time_zone: String,
}

impl Default for Reader {
    fn default() -> Self {
        Reader { locale: Locale::En, time_zone: "UTC".to_owned() }
    }
}

tokio::task_local! {
    static LOCALE: Cell<Locale>;
    static TIME_ZONE: std::cell::RefCell<String>;
}

/// Runs `future` with `reader` as the request's language and time zone.
pub async fn scope<F: Future>(reader: Reader, future: F) -> F::Output {
    LOCALE.scope(Cell::new(reader.locale), TIME_ZONE.scope(std::cell::RefCell::new(reader.time_zone), future)).await
}

/// The language of a person's emails and SMS: the one they chose, else English.
pub fn locale_of(saved: Option<&str>) -> Locale {
    saved.and_then(Locale::parse).unwrap_or_default()
}

/// The request's language (English outside a request).
pub fn current() -> Locale {
    LOCALE.try_with(Cell::get).unwrap_or_default()
}

/// The request's time zone (`UTC` outside a request).
pub fn current_time_zone() -> String {
    TIME_ZONE.try_with(|z| z.borrow().clone()).unwrap_or_else(|_| "UTC".to_owned())
}

/// Changes the request's language and time zone once the caller is known (a saved preference beats
/// the header).
pub fn set_current(locale: Locale, time_zone: &str) {
    let _ = LOCALE.try_with(|l| l.set(locale));
    let _ = TIME_ZONE.try_with(|z| time_zone.clone_into(&mut z.borrow_mut()));
}

/// A value put into a message: text, or a number (which also picks plural forms).
#[derive(Debug, Clone)]
pub enum Arg {
    Text(String),
    Number(i64),
}

impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Arg::Text(v.to_owned())
    }
}
impl From<String> for Arg {
    fn from(v: String) -> Self {
        Arg::Text(v)
    }
}
impl From<&String> for Arg {
    fn from(v: &String) -> Self {
        Arg::Text(v.clone())
    }
}
impl From<i64> for Arg {
    fn from(v: i64) -> Self {
        Arg::Number(v)
    }
}
impl From<u32> for Arg {
    fn from(v: u32) -> Self {
        Arg::Number(i64::from(v))
    }
}
impl From<usize> for Arg {
    fn from(v: usize) -> Self {
        Arg::Number(i64::try_from(v).unwrap_or(i64::MAX))
    }
}

/// A message id with its values, to be written in a language later (an API error is built in the
/// writer, and written in the request's language when it is answered).
#[derive(Debug, Clone)]
pub struct Msg {
    pub id: &'static str,
    pub args: Vec<(&'static str, Arg)>,
}

impl Msg {
    /// The message in `locale`.
    pub fn text_in(&self, locale: Locale) -> String {
        text_in(locale, self.id, &self.args)
    }
}

/// A message in the request's language: `tr!("id")` or `tr!("id", name = value, count = n)`.
#[macro_export]
macro_rules! tr {
    ($id:literal) => { $crate::i18n::text_in($crate::i18n::current(), $id, &[]) };
    ($id:literal, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::i18n::text_in($crate::i18n::current(), $id, &[$((stringify!($name), $crate::i18n::Arg::from($value))),+])
    };
}

/// A message kept as an id and values ([`Msg`]): `msg!("id", name = value)`.
#[macro_export]
macro_rules! msg {
    ($id:literal) => { $crate::i18n::Msg { id: $id, args: Vec::new() } };
    ($id:literal, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::i18n::Msg { id: $id, args: vec![$((stringify!($name), $crate::i18n::Arg::from($value))),+] }
    };
}

/// A message in a given language (a recipient's saved one, for emails and SMS).
#[macro_export]
macro_rules! tr_in {
    ($locale:expr, $id:literal) => { $crate::i18n::text_in($locale, $id, &[]) };
    ($locale:expr, $id:literal, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::i18n::text_in($locale, $id, &[$((stringify!($name), $crate::i18n::Arg::from($value))),+])
    };
}

/// The text of message `id` (or `id.attribute`) in `locale`; English when the language lacks it, and
/// the id itself when no catalogue has it (the catalogue tests make both impossible).
pub fn text_in(locale: Locale, id: &str, args: &[(&str, Arg)]) -> String {
    let catalogue = &*CATALOGUE;
    format_in(catalogue.bundle(locale), id, args)
        .or_else(|| format_in(catalogue.bundle(Locale::En), id, args))
        .unwrap_or_else(|| {
            tracing::warn!(id, "a message id no catalogue has");
            id.to_owned()
        })
}

/// Every message id (with `.attribute` ids) of a language's catalogue.
pub fn ids(locale: Locale) -> Vec<String> {
    CATALOGUE.ids.get(&locale).cloned().unwrap_or_default()
}

fn format_in(bundle: &FluentBundle<FluentResource>, id: &str, args: &[(&str, Arg)]) -> Option<String> {
    let (message_id, attribute) = match id.split_once('.') {
        Some((m, a)) => (m, Some(a)),
        None => (id, None),
    };
    let message = bundle.get_message(message_id)?;
    let pattern = match attribute {
        Some(a) => message.get_attribute(a)?.value(),
        None => message.value()?,
    };
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        match value {
            Arg::Text(t) => fluent_args.set(*name, FluentValue::from(t.as_str())),
            Arg::Number(n) => fluent_args.set(*name, FluentValue::from(*n)),
        }
    }
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors).into_owned();
    if !errors.is_empty() {
        tracing::warn!(id, ?errors, "a message could not be written whole");
    }
    Some(text)
}

struct Catalogue {
    bundles: HashMap<Locale, FluentBundle<FluentResource>>,
    ids: HashMap<Locale, Vec<String>>,
}

impl Catalogue {
    fn bundle(&self, locale: Locale) -> &FluentBundle<FluentResource> {
        // Every language is loaded at start; English is the fallback of a missing one.
        self.bundles.get(&locale).or_else(|| self.bundles.get(&Locale::En)).unwrap_or_else(|| unreachable_bundle())
    }
}

fn unreachable_bundle() -> &'static FluentBundle<FluentResource> {
    static EMPTY: LazyLock<FluentBundle<FluentResource>> =
        LazyLock::new(|| FluentBundle::new_concurrent(vec![unic_langid::langid!("en")]));
    &EMPTY
}

/// The catalogue files of a language, compiled in.
pub fn sources(locale: Locale) -> &'static [(&'static str, &'static str)] {
    match locale {
        Locale::En => &[
            ("en/main.ftl", include_str!("../../locales/en/main.ftl")),
            ("en/pages.ftl", include_str!("../../locales/en/pages.ftl")),
            ("en/seller.ftl", include_str!("../../locales/en/seller.ftl")),
            ("en/shop.ftl", include_str!("../../locales/en/shop.ftl")),
            ("en/buyer.ftl", include_str!("../../locales/en/buyer.ftl")),
            ("en/errors-a.ftl", include_str!("../../locales/en/errors-a.ftl")),
            ("en/errors-b.ftl", include_str!("../../locales/en/errors-b.ftl")),
            ("en/errors-c.ftl", include_str!("../../locales/en/errors-c.ftl")),
            ("en/operator.ftl", include_str!("../../locales/en/operator.ftl")),
        ],
        Locale::Ru => &[
            ("ru/main.ftl", include_str!("../../locales/ru/main.ftl")),
            ("ru/pages.ftl", include_str!("../../locales/ru/pages.ftl")),
            ("ru/seller.ftl", include_str!("../../locales/ru/seller.ftl")),
            ("ru/shop.ftl", include_str!("../../locales/ru/shop.ftl")),
            ("ru/buyer.ftl", include_str!("../../locales/ru/buyer.ftl")),
            ("ru/errors-a.ftl", include_str!("../../locales/ru/errors-a.ftl")),
            ("ru/errors-b.ftl", include_str!("../../locales/ru/errors-b.ftl")),
            ("ru/errors-c.ftl", include_str!("../../locales/ru/errors-c.ftl")),
            ("ru/operator.ftl", include_str!("../../locales/ru/operator.ftl")),
        ],
        Locale::Es => &[
            ("es/main.ftl", include_str!("../../locales/es/main.ftl")),
            ("es/pages.ftl", include_str!("../../locales/es/pages.ftl")),
            ("es/seller.ftl", include_str!("../../locales/es/seller.ftl")),
            ("es/shop.ftl", include_str!("../../locales/es/shop.ftl")),
            ("es/buyer.ftl", include_str!("../../locales/es/buyer.ftl")),
            ("es/errors-a.ftl", include_str!("../../locales/es/errors-a.ftl")),
            ("es/errors-b.ftl", include_str!("../../locales/es/errors-b.ftl")),
            ("es/errors-c.ftl", include_str!("../../locales/es/errors-c.ftl")),
            ("es/operator.ftl", include_str!("../../locales/es/operator.ftl")),
        ],
    }
}

static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(|| {
    let mut bundles = HashMap::new();
    let mut ids = HashMap::new();
    for locale in Locale::ALL {
        let langid: unic_langid::LanguageIdentifier = locale.code().parse().unwrap_or_default();
        let mut bundle = FluentBundle::new_concurrent(vec![langid]);
        // Pages escape what they insert; the Unicode isolation marks would show in plain-text SMS.
        bundle.set_use_isolating(false);
        let mut names = Vec::new();
        for (file, text) in sources(locale) {
            let resource = FluentResource::try_new((*text).to_owned()).unwrap_or_else(|(partial, errors)| {
                tracing::error!(file, ?errors, "a message catalogue has syntax errors");
                partial
            });
            for entry in resource.entries() {
                if let fluent_syntax::ast::Entry::Message(m) = entry {
                    if m.value.is_some() {
                        names.push(m.id.name.to_owned());
                    }
                    for a in &m.attributes {
                        names.push(format!("{}.{}", m.id.name, a.id.name));
                    }
                }
            }
            if let Err(errors) = bundle.add_resource(resource) {
                tracing::error!(file, ?errors, "a message catalogue repeats an id");
            }
        }
        bundles.insert(locale, bundle);
        ids.insert(locale, names);
    }
    Catalogue { bundles, ids }
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_by_quality_and_by_language() {
        assert_eq!(Locale::negotiate("es-ES,es;q=0.9"), Some(Locale::Es));
        assert_eq!(Locale::negotiate("ru-RU"), Some(Locale::Ru));
        assert_eq!(Locale::negotiate("fr"), None);
        assert_eq!(Locale::negotiate("fr-FR, ru;q=0.5, es;q=0.8"), Some(Locale::Es));
        assert_eq!(Locale::negotiate("en;q=0, ru"), Some(Locale::Ru));
        assert_eq!(Locale::negotiate("*;q=0.5, es-MX;q=0.4"), Some(Locale::Es));
        assert_eq!(Locale::negotiate("ES"), Some(Locale::Es));
        assert_eq!(Locale::negotiate(""), None);
        assert_eq!(Locale::negotiate("ru;q=abc, es"), Some(Locale::Es));
    }

    #[test]
    fn russian_counts_take_their_plural_forms() {
        let tries = |n: i64| text_in(Locale::Ru, "tries-left", &[("count", Arg::Number(n))]);
        assert_eq!(tries(1), "1 попытка");
        assert_eq!(tries(3), "3 попытки");
        assert_eq!(tries(5), "5 попыток");
        assert_eq!(tries(21), "21 попытка");
        assert_eq!(tries(12), "12 попыток");
        let es = |n: i64| text_in(Locale::Es, "tries-left", &[("count", Arg::Number(n))]);
        assert_eq!((es(1).as_str(), es(2).as_str()), ("1 intento", "2 intentos"));
    }
}
