//! A small blocking HTTP client: one POST of exact bytes, no redirects followed, a timeout,
//! and failures classified in plain words ("nothing listening on 127.0.0.1:3000").
//!
//! `listen --forward` uses it to pass deliveries on to the user's app, and `send` to replay
//! captures; both want the same thing: the body byte for byte, the status and a short
//! preview of the answer, how long it took, and an error a person can act on.
//!
//! https URLs need the `tls` cargo feature; without it they are refused when parsed
//! ([`Target::parse`]), naming the feature.

use std::fmt;
use std::io::Read;
use std::time::{Duration, Instant};

/// How much of a response body is kept ([`Response::body`]), in characters.
pub const PREVIEW_CHARS: usize = 200;

/// The default timeout of one request.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Headers never passed on: they describe one connection (RFC 9110 §7.6.1), or are set
/// by the client itself (`Host`, `Content-Length`).
pub const HOP_BY_HOP: [&str; 11] = [
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
    "content-length",
];

/// Whether a header is one of [`HOP_BY_HOP`] (or `Expect`, which only a client that waits
/// for `100 Continue` sends).
pub fn is_hop_by_hop(name: &str) -> bool {
    HOP_BY_HOP.iter().any(|h| name.eq_ignore_ascii_case(h)) || name.eq_ignore_ascii_case("expect")
}

/// A URL checked once: http, or https when built with TLS, with a host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    url: String,
    /// `host:port`, as named in messages.
    authority: String,
}

impl Target {
    /// Checks a URL: an absolute http (or, with the `tls` feature, https) URL with a host.
    pub fn parse(url: &str) -> Result<Target, Error> {
        let bad = |reason: &str| Error::BadUrl {
            url: url.to_string(),
            reason: reason.to_string(),
        };
        let uri: hyper::Uri = url
            .parse()
            .map_err(|e: hyper::http::uri::InvalidUri| bad(&e.to_string()))?;
        let https = match uri.scheme_str() {
            Some("http") => false,
            Some("https") => true,
            Some(_) => return Err(bad("only http:// and https:// URLs are supported")),
            None => {
                return Err(bad(
                    "expected an absolute URL such as http://127.0.0.1:3000/hook",
                ));
            }
        };
        if https && !cfg!(feature = "tls") {
            return Err(Error::TlsNotBuilt {
                url: url.to_string(),
            });
        }
        let Some(host) = uri.host().filter(|h| !h.is_empty()) else {
            return Err(bad("the URL has no host"));
        };
        let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
        Ok(Target {
            url: url.to_string(),
            authority: format!("{host}:{port}"),
        })
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// `host:port`.
    pub fn authority(&self) -> &str {
        &self.authority
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.url)
    }
}

/// An answer, whatever its status (a 500 is an answer, not an error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    /// The first [`PREVIEW_CHARS`] characters of the body (invalid UTF-8 replaced).
    pub body: String,
    /// From the start of the request to the end of the preview.
    pub duration: Duration,
}

/// Why a request got no answer (or could not be made).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// Not a URL this client can use.
    BadUrl { url: String, reason: String },
    /// An https URL, in a build without the `tls` feature.
    TlsNotBuilt { url: String },
    /// The connection was refused: nothing listens on that port.
    Refused { authority: String },
    /// No complete answer within the timeout.
    Timeout { after: Duration },
    /// The host name does not resolve.
    HostNotFound { authority: String },
    /// The target answered with a redirect's problem, broke the protocol, or the
    /// connection failed otherwise.
    Other { authority: String, message: String },
}

impl Error {
    /// A short name for the kind of failure (`refused`, `timeout`, …), for JSON output and
    /// for telling one failure from the next ("down" once per change, not per request).
    pub fn kind(&self) -> &'static str {
        match self {
            Error::BadUrl { .. } => "bad-url",
            Error::TlsNotBuilt { .. } => "tls-not-built",
            Error::Refused { .. } => "refused",
            Error::Timeout { .. } => "timeout",
            Error::HostNotFound { .. } => "host-not-found",
            Error::Other { .. } => "other",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::BadUrl { url, reason } => write!(f, "invalid URL {url:?}: {reason}"),
            Error::TlsNotBuilt { url } => write!(
                f,
                "{url}: https URLs need leadcheck built with the `tls` feature (cargo install leadcheck --features tls)"
            ),
            Error::Refused { authority } => write!(f, "nothing listening on {authority}"),
            Error::Timeout { after } => {
                write!(f, "no answer within {}", crate::client::seconds(*after))
            }
            Error::HostNotFound { authority } => {
                write!(f, "{authority}: host not found")
            }
            Error::Other { authority, message } => write!(f, "{authority}: {message}"),
        }
    }
}

impl std::error::Error for Error {}

/// A duration in words for messages: `10 s`, `250 ms`.
pub fn seconds(d: Duration) -> String {
    if d >= Duration::from_secs(1) && d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else if d >= Duration::from_secs(1) {
        format!("{:.1} s", d.as_secs_f64())
    } else {
        format!("{} ms", d.as_millis())
    }
}

/// A blocking HTTP client. Cheap to share between threads (connections are pooled).
#[derive(Debug, Clone)]
pub struct Client {
    agent: ureq::Agent,
    /// The agent's own timeout.
    timeout: Duration,
}

impl Default for Client {
    fn default() -> Self {
        Client::new()
    }
}

/// Each step of a request (connect, send, the answer's head, its body) gets the timeout, on
/// an agent's or a request's configuration.
///
/// Not the request as a whole: with a whole-request timeout, ureq resolves the host on a
/// new thread for every request, pooled connection or not, which cost `send` about a third
/// of its CPU time. The host is resolved by the system's resolver, with its own timeouts.
macro_rules! timeouts {
    ($config:expr, $timeout:expr) => {{
        let t = Some($timeout);
        $config
            .timeout_connect(t)
            .timeout_send_request(t)
            .timeout_send_body(t)
            .timeout_recv_response(t)
            .timeout_recv_body(t)
    }};
}

impl Client {
    pub fn new() -> Client {
        Client::with_pool(3, DEFAULT_TIMEOUT)
    }

    /// A client that keeps up to `connections` idle connections to one host, for that many
    /// requests in flight at once (`send --concurrency`): fewer, and each request beyond
    /// them would open a new connection. `timeout` is the one its requests usually have
    /// (another one costs a little per request).
    pub fn with_pool(connections: usize, timeout: Duration) -> Client {
        let config = timeouts!(ureq::Agent::config_builder(), timeout)
            .max_idle_connections(connections.max(10))
            .max_idle_connections_per_host(connections.max(1))
            // Every status is an answer to report, not an error.
            .http_status_as_error(false)
            // A 3xx is reported as it is: the body is never sent anywhere else.
            .max_redirects(0)
            .max_redirects_will_error(false)
            .user_agent(concat!("leadcheck/", env!("CARGO_PKG_VERSION")))
            .build();
        Client {
            agent: ureq::Agent::new_with_config(config),
            timeout,
        }
    }

    /// POSTs `body` as it is to `target`, with `content_type` (when given) and the `headers`
    /// (hop-by-hop ones are left out: see [`is_hop_by_hop`]), within `timeout`.
    pub fn post(
        &self,
        target: &Target,
        body: &[u8],
        content_type: Option<&str>,
        headers: &[(String, String)],
        timeout: Duration,
    ) -> Result<Response, Error> {
        let started = Instant::now();
        let mut request = self.agent.post(target.url());
        for (name, value) in headers {
            if is_hop_by_hop(name) || name.eq_ignore_ascii_case("content-type") {
                continue;
            }
            request = request.header(name.as_str(), value.as_str());
        }
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        if timeout != self.timeout {
            request = timeouts!(request.config(), timeout).build();
        }
        let classify = |e: ureq::Error| classify(e, target, timeout);
        let mut response = request.send(body).map_err(classify)?;
        let status = response.status().as_u16();
        // A preview: at most 4 bytes per character, and never the whole of a huge body.
        let mut bytes = Vec::new();
        let read = response
            .body_mut()
            .as_reader()
            .take((PREVIEW_CHARS * 4) as u64)
            .read_to_end(&mut bytes);
        if let Err(e) = read {
            // The status arrived; a body cut short or too slow still tells the outcome.
            if e.kind() != std::io::ErrorKind::TimedOut {
                bytes.clear();
            }
        }
        let body: String = String::from_utf8_lossy(&bytes)
            .chars()
            .take(PREVIEW_CHARS)
            .collect();
        Ok(Response {
            status,
            body,
            duration: started.elapsed(),
        })
    }
}

fn classify(e: ureq::Error, target: &Target, timeout: Duration) -> Error {
    let authority = target.authority().to_string();
    match e {
        ureq::Error::Timeout(_) => Error::Timeout { after: timeout },
        ureq::Error::HostNotFound => Error::HostNotFound { authority },
        ureq::Error::Io(io) => match io.kind() {
            std::io::ErrorKind::ConnectionRefused => Error::Refused { authority },
            std::io::ErrorKind::TimedOut => Error::Timeout { after: timeout },
            _ => Error::Other {
                authority,
                message: crate::reader::io_message(&io),
            },
        },
        ureq::Error::ConnectionFailed => Error::Other {
            authority,
            message: "connection failed".into(),
        },
        ureq::Error::Tls(m) => Error::Other {
            authority,
            message: format!("TLS: {m}"),
        },
        other => Error::Other {
            authority,
            message: other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_checked_once() {
        let t = Target::parse("http://127.0.0.1:3000/hook").unwrap();
        assert_eq!(t.authority(), "127.0.0.1:3000");
        assert_eq!(t.to_string(), "http://127.0.0.1:3000/hook");
        assert_eq!(
            Target::parse("http://localhost/x").unwrap().authority(),
            "localhost:80"
        );
        assert!(matches!(
            Target::parse("ftp://x/"),
            Err(Error::BadUrl { .. })
        ));
        assert!(matches!(
            Target::parse("/relative"),
            Err(Error::BadUrl { .. })
        ));
        let https = Target::parse("https://example.com/hook");
        if cfg!(feature = "tls") {
            assert_eq!(https.unwrap().authority(), "example.com:443");
        } else {
            let e = https.unwrap_err();
            assert!(e.to_string().contains("`tls` feature"), "{e}");
        }
    }

    #[test]
    fn failures_read_plainly() {
        let refused = Error::Refused {
            authority: "127.0.0.1:3000".into(),
        };
        assert_eq!(refused.to_string(), "nothing listening on 127.0.0.1:3000");
        let timeout = Error::Timeout {
            after: Duration::from_secs(10),
        };
        assert_eq!(timeout.to_string(), "no answer within 10 s");
        assert_eq!(seconds(Duration::from_millis(250)), "250 ms");
        assert_eq!(seconds(Duration::from_millis(1500)), "1.5 s");
    }

    #[test]
    fn hop_by_hop_headers_are_known() {
        assert!(is_hop_by_hop("Connection"));
        assert!(is_hop_by_hop("transfer-encoding"));
        assert!(is_hop_by_hop("Host"));
        assert!(!is_hop_by_hop("Content-Type"));
        assert!(!is_hop_by_hop("User-Agent"));
    }

    #[test]
    fn a_refused_connection_is_named() {
        // A port that was free a moment ago: bound, then released.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let target = Target::parse(&format!("http://127.0.0.1:{port}/")).unwrap();
        let e = Client::new()
            .post(&target, b"{}", None, &[], Duration::from_secs(2))
            .unwrap_err();
        assert_eq!(
            e,
            Error::Refused {
                authority: format!("127.0.0.1:{port}")
            }
        );
    }
}
