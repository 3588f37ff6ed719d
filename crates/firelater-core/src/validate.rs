//! Field validation shared by every module: emails, names, time zones, passwords and slugs.

use crate::error::{Error, Result};
use unicode_normalization::UnicodeNormalization;

/// Whether `c` is invisible or changes the direction of text: control characters, the
/// bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069), zero-width and other
/// format (Cf) characters such as U+200B–U+200F, U+2060–U+2064 and U+FEFF. Such characters
/// let one name pass for another.
pub fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(
            c as u32,
            0x00AD
                | 0x0600..=0x0605
                | 0x061C
                | 0x06DD
                | 0x070F
                | 0x0890..=0x0891
                | 0x08E2
                | 0x115F..=0x1160
                | 0x17B4..=0x17B5
                | 0x180B..=0x180F
                | 0x200B..=0x200F
                | 0x202A..=0x202E
                | 0x2060..=0x206F
                | 0x3164
                | 0xFE00..=0xFE0F
                | 0xFEFF
                | 0xFFA0
                | 0xFFF0..=0xFFFB
                | 0x110BD
                | 0x110CD
                | 0x13430..=0x1343F
                | 0x1BCA0..=0x1BCA3
                | 0x1D173..=0x1D17A
                | 0xE0000..=0xE0FFF
        )
}

/// The confusable script a letter belongs to, if any: letters of Latin, Greek, Cyrillic and
/// Armenian look alike (`а` U+0430 and `a`), so one label must not mix them.
fn confusable_script(c: char) -> Option<u8> {
    match c as u32 {
        0x41..=0x5A | 0x61..=0x7A | 0xC0..=0x24F | 0x1E00..=0x1EFF | 0x2C60..=0x2C7F | 0xA720..=0xA7FF => Some(0),
        0x370..=0x3FF | 0x1F00..=0x1FFF => Some(1),
        0x400..=0x52F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F => Some(2),
        0x530..=0x58F => Some(3),
        _ => None,
    }
}

/// Whether some label of `email` (split at `@`, `.`, `+`, `-` and `_`) mixes look-alike scripts.
fn mixes_scripts(email: &str) -> bool {
    email.split(['@', '.', '+', '-', '_']).any(|label| {
        let mut scripts = label.chars().filter_map(confusable_script);
        scripts.next().is_some_and(|first| scripts.any(|s| s != first))
    })
}

/// Normalises an email for storing and looking up: trimmed, Unicode NFKC, lower case.
pub fn normalize_email(value: &str) -> String {
    value.trim().nfkc().collect::<String>().to_lowercase()
}

/// Normalises an email (trimmed, NFKC, lower case) and checks it: its shape (one `@`, a dotted
/// domain, no spaces), no invisible characters, and no label mixing look-alike scripts.
pub fn email(field: &str, value: &str) -> Result<String> {
    let v = normalize_email(value);
    if v.chars().any(is_invisible) {
        return Err(Error::field(
            field,
            "must not contain invisible or text-direction characters",
        ));
    }
    if mixes_scripts(&v) {
        return Err(Error::field(
            field,
            "must not mix look-alike scripts (such as Latin and Cyrillic) in one part",
        ));
    }
    let ok = v.len() <= 254
        && !v.chars().any(|c| c.is_whitespace() || c.is_control())
        && match v.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && local.len() <= 64
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains("..")
            }
            None => false,
        };
    if ok {
        Ok(v)
    } else {
        Err(Error::field(field, "must be a valid email address"))
    }
}

/// A required single-line text of 1..=max characters, trimmed.
pub fn required_text(field: &str, value: &str, max: usize) -> Result<String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Error::field(field, "must not be empty"));
    }
    if v.chars().count() > max {
        return Err(Error::field(field, format!("must be at most {max} characters")));
    }
    if v.chars().any(char::is_control) {
        return Err(Error::field(field, "must not contain control characters"));
    }
    Ok(v.to_owned())
}

/// The longest name (of a user, group, role, tenant, API key), in characters.
pub const NAME_MAX: usize = 255;
/// The longest description or other multi-line free text, in characters.
pub const DESCRIPTION_MAX: usize = 4000;
/// The longest phone number, in characters.
pub const PHONE_MAX: usize = 50;

/// A person's or an object's name: required, trimmed, 1..=255 characters, without invisible
/// or text-direction characters (which let one name pass for another).
pub fn name(field: &str, value: &str) -> Result<String> {
    let v = required_text(field, value, NAME_MAX)?;
    if v.chars().any(is_invisible) {
        return Err(Error::field(
            field,
            "must not contain invisible or text-direction characters",
        ));
    }
    Ok(v)
}

/// An optional multi-line free text of at most `max` characters, trimmed; blank means none.
/// Line breaks and tabs are kept; other control characters are refused.
pub fn optional_text(field: &str, value: Option<&str>, max: usize) -> Result<Option<String>> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if v.chars().count() > max {
        return Err(Error::field(field, format!("must be at most {max} characters")));
    }
    if v.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(Error::field(field, "must not contain control characters"));
    }
    Ok(Some(v.to_owned()))
}

/// The shortest password FireLater accepts.
pub const MIN_PASSWORD_LEN: usize = 12;

/// Checks a new password: 12 to 256 characters, not only one repeated character.
pub fn password(field: &str, value: &str) -> Result<()> {
    let n = value.chars().count();
    if n < MIN_PASSWORD_LEN {
        return Err(Error::field(
            field,
            format!("must be at least {MIN_PASSWORD_LEN} characters"),
        ));
    }
    if n > 256 {
        return Err(Error::field(field, "must be at most 256 characters"));
    }
    let first = value.chars().next();
    if value.chars().all(|c| Some(c) == first) {
        return Err(Error::field(field, "must not repeat a single character"));
    }
    if is_common_password(value) {
        return Err(Error::field(field, "is too common; choose a less guessable password"));
    }
    Ok(())
}

/// Base words that, padded with digits and symbols, make up most weak long passwords.
const WEAK_BASES: &[&str] = &[
    "password",
    "passw0rd",
    "p@ssw0rd",
    "p@ssword",
    "qwerty",
    "qwertyuiop",
    "letmein",
    "welcome",
    "iloveyou",
    "admin",
    "administrator",
    "changeme",
    "abc",
    "abcdef",
    "monkey",
    "dragon",
    "football",
    "baseball",
    "superman",
    "princess",
    "sunshine",
    "master",
    "secret",
    "firelater",
];

/// Whether `value` is on the list of common passwords, or is a weak base word padded with
/// digits and symbols (`Password2024!`). Compared case-insensitively.
pub fn is_common_password(value: &str) -> bool {
    static LIST: std::sync::OnceLock<std::collections::HashSet<String>> = std::sync::OnceLock::new();
    let list = LIST.get_or_init(|| {
        include_str!("common_passwords.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_owned)
            .collect()
    });
    let lower = value.to_lowercase();
    let squashed: String = lower.chars().filter(|c| !c.is_whitespace()).collect();
    if list.contains(&lower) || list.contains(&squashed) {
        return true;
    }
    let letters = lower.trim_matches(|c: char| !c.is_alphabetic());
    let base = letters.trim_end_matches(|c: char| c.is_ascii_digit() || c.is_ascii_punctuation());
    WEAK_BASES.contains(&base) || WEAK_BASES.contains(&letters)
}

/// A tenant slug: 2..=63 characters of `a-z`, `0-9` and inner `-`.
pub fn slug(field: &str, value: &str) -> Result<String> {
    let v = value.trim();
    let ok = (2..=63).contains(&v.len())
        && v.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !v.starts_with('-')
        && !v.ends_with('-');
    if ok {
        Ok(v.to_owned())
    } else {
        Err(Error::field(
            field,
            "must be 2 to 63 lower-case letters, digits or inner hyphens",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(email("email", "  Ada@Example.COM ").as_deref(), Ok("ada@example.com"));
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "a b@example.com",
            "a@b@c.com",
            "ada@.com",
        ] {
            assert!(email("email", bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn optional_texts_are_trimmed_limited_and_keep_line_breaks() {
        /// `Err(())`: refused, naming the field.
        type Case<'a> = (Option<&'a str>, usize, std::result::Result<Option<&'a str>, ()>);
        let cases: &[Case] = &[
            (None, 10, Ok(None)),
            (Some("   "), 10, Ok(None)),
            (Some(" two\nlines\t "), 10, Ok(Some("two\nlines"))),
            (Some("0123456789"), 10, Ok(Some("0123456789"))),
            (Some("01234567890"), 10, Err(())),
            (Some("bell\u{7}"), 10, Err(())),
        ];
        for (value, max, expected) in cases {
            let got = optional_text("description", *value, *max);
            match expected {
                Ok(e) => assert_eq!(got.as_ref().map(Option::as_deref), Ok(*e), "{value:?}"),
                Err(()) => assert!(
                    got.as_ref().is_err_and(|e| e.fields.contains_key("description")),
                    "{value:?}: {got:?}"
                ),
            }
        }
    }

    #[test]
    fn emails_are_nfkc_lower_case_and_single_script_per_label() {
        let cases: &[(&str, Option<&str>)] = &[
            ("Admin@Example.com", Some("admin@example.com")),
            ("ａｄａ@example.com", Some("ada@example.com")),
            ("ÉLodie@exemple.fr", Some("élodie@exemple.fr")),
            ("иван@пример.рф", Some("иван@пример.рф")),
            ("pаypal@example.com", None),
            ("ada@exаmple.com", None),
            ("ada@examplε.com", None),
            ("ada\u{200B}@example.com", None),
            ("ada\u{202E}@example.com", None),
            ("ada\u{FEFF}@example.com", None),
        ];
        for (input, expected) in cases {
            let got = email("email", input);
            match expected {
                Some(e) => assert_eq!(got.as_deref(), Ok(*e), "{input:?}"),
                None => assert!(got.is_err(), "{input:?} accepted as {got:?}"),
            }
        }
    }

    #[test]
    fn names_refuse_invisible_and_direction_characters() {
        let cases: &[(&str, bool)] = &[
            ("Ada Lovelace", true),
            ("Zoë Ωmega", true),
            ("Ada\u{202E}ecalevol", false),
            ("Ada\u{2066}x\u{2069}", false),
            ("Ada\u{200B}", false),
            ("A\u{200D}da", false),
            ("Ada\u{2060}", false),
            ("\u{FEFF}Ada", false),
            ("Ada\u{00AD}", false),
            ("Ada\u{7}", false),
            ("", false),
        ];
        for (input, ok) in cases {
            assert_eq!(name("name", input).is_ok(), *ok, "{input:?}");
        }
    }

    #[test]
    fn short_or_monotonous_passwords_are_refused() {
        assert!(password("password", "short").is_err());
        assert!(password("password", "aaaaaaaaaaaaaaa").is_err());
        assert!(password("password", "correct horse battery").is_ok());
    }

    #[test]
    fn common_passwords_and_padded_weak_words_are_refused() {
        for weak in [
            "Password1234",
            "password12345!",
            "QWERTY123456",
            "1q2w3e4r5t6y",
            "Welcome@2026",
            "Administrator",
        ] {
            assert!(password("password", weak).is_err(), "{weak:?} accepted");
        }
        for fine in ["violet tram umbrella 42", "Rj8#kq2!vLp0zW", "my cat eats lemons"] {
            assert!(password("password", fine).is_ok(), "{fine:?} refused");
        }
    }

    #[test]
    fn slugs_are_lowercase_with_inner_hyphens() {
        assert!(slug("slug", "acme-corp").is_ok());
        for bad in ["A", "-acme", "acme-", "ac me", "x"] {
            assert!(slug("slug", bad).is_err(), "{bad:?} accepted");
        }
    }
}

/// An IANA time zone name such as `Europe/Berlin` or `UTC`.
pub fn timezone(field: &str, value: &str) -> Result<String> {
    let v = value.trim();
    match v.parse::<chrono_tz::Tz>() {
        Ok(tz) => Ok(tz.name().to_owned()),
        Err(_) => Err(Error::field(field, "must be an IANA time zone such as Europe/Berlin")),
    }
}

#[cfg(test)]
mod tz_tests {
    #[test]
    fn iana_zones_pass_and_others_fail() {
        assert_eq!(
            super::timezone("timezone", "Europe/Berlin").as_deref(),
            Ok("Europe/Berlin")
        );
        assert!(super::timezone("timezone", "Mars/Olympus").is_err());
        assert!(super::timezone("timezone", "").is_err());
    }
}
