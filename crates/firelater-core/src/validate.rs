//! Field validation shared by every module: emails, names, time zones, passwords and slugs.

use crate::error::{Error, Result};

/// Trims and lower-cases an email and checks its shape (one `@`, a dotted domain, no spaces).
pub fn email(field: &str, value: &str) -> Result<String> {
    let v = value.trim().to_lowercase();
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
        let cases: &[(Option<&str>, usize, std::result::Result<Option<&str>, ()>)] = &[
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
