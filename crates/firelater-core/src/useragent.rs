//! A readable name for a `User-Agent` header ("Chrome on Linux"), so a person can tell their
//! sign-in sessions apart. It is a description, not a detector: it names the common browsers,
//! systems and command-line clients and says "Unknown browser" for the rest.

/// Command-line and library clients, by the prefix of their user agent.
const TOOLS: &[(&str, &str)] = &[
    ("curl/", "curl"),
    ("wget/", "Wget"),
    ("python-requests/", "Python requests"),
];

/// What a session's device shows when its user agent names no browser we know.
pub const UNKNOWN: &str = "Unknown browser";

/// Describes a user agent as "<browser> on <system>", the browser alone when the system is
/// unknown, the tool for command-line clients ("curl"), or [`UNKNOWN`].
pub fn describe(user_agent: &str) -> String {
    let ua = user_agent.trim();
    let lower = ua.to_ascii_lowercase();
    if let Some((_, name)) = TOOLS.iter().find(|(prefix, _)| lower.starts_with(prefix)) {
        return (*name).to_owned();
    }
    let Some(browser) = browser(ua) else {
        return UNKNOWN.to_owned();
    };
    match system(ua) {
        Some(os) => format!("{browser} on {os}"),
        None => browser.to_owned(),
    }
}

/// The browser; the order matters because Edge and Opera also say "Chrome", and Chrome also
/// says "Safari".
fn browser(ua: &str) -> Option<&'static str> {
    let has = |token: &str| ua.contains(token);
    if has("Edg/") || has("Edge/") || has("EdgA/") || has("EdgiOS/") {
        Some("Edge")
    } else if has("OPR/") || has("Opera") {
        Some("Opera")
    } else if has("Firefox/") || has("FxiOS/") {
        Some("Firefox")
    } else if has("Chrome/") || has("CriOS/") || has("Chromium/") {
        Some("Chrome")
    } else if has("Safari/") && has("Version/") {
        Some("Safari")
    } else {
        None
    }
}

/// The operating system or device; iOS devices say "like Mac OS X" and Android says "Linux",
/// so those come first.
fn system(ua: &str) -> Option<&'static str> {
    let has = |token: &str| ua.contains(token);
    if has("iPhone") {
        Some("iPhone")
    } else if has("iPad") {
        Some("iPad")
    } else if has("Android") {
        Some("Android")
    } else if has("Windows") {
        Some("Windows")
    } else if has("CrOS") {
        Some("ChromeOS")
    } else if has("Mac OS X") || has("Macintosh") {
        Some("macOS")
    } else if has("Linux") || has("X11") {
        Some("Linux")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case::chrome_on_linux(
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
        "Chrome on Linux"
    )]
    #[case::chrome_on_macos(
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
        "Chrome on macOS"
    )]
    #[case::chrome_on_android(
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
        "Chrome on Android"
    )]
    #[case::chrome_on_iphone(
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1",
        "Chrome on iPhone"
    )]
    #[case::firefox_on_windows(
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
        "Firefox on Windows"
    )]
    #[case::firefox_on_linux(
        "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
        "Firefox on Linux"
    )]
    #[case::safari_on_iphone(
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
        "Safari on iPhone"
    )]
    #[case::safari_on_ipad(
        "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
        "Safari on iPad"
    )]
    #[case::safari_on_macos(
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
        "Safari on macOS"
    )]
    #[case::edge_on_windows(
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51",
        "Edge on Windows"
    )]
    #[case::opera_on_windows(
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 OPR/109.0.0.0",
        "Opera on Windows"
    )]
    #[case::chrome_on_chromeos(
        "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
        "Chrome on ChromeOS"
    )]
    #[case::browser_without_a_system("Mozilla/5.0 Firefox/125.0", "Firefox")]
    #[case::curl("curl/8.5.0", "curl")]
    #[case::wget("Wget/1.21.4", "Wget")]
    #[case::python_requests("python-requests/2.31.0", "Python requests")]
    #[case::empty("", "Unknown browser")]
    #[case::a_bot("Googlebot/2.1 (+http://www.google.com/bot.html)", "Unknown browser")]
    #[case::reqwest_default("reqwest/0.12", "Unknown browser")]
    fn describes_a_user_agent(#[case] user_agent: &str, #[case] expected: &str) {
        assert_eq!(describe(user_agent), expected);
    }
}
