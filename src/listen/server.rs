//! The HTTP side: accepting connections within the limits, and each request's path from
//! its head to its answer.

use std::borrow::Cow;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::{Body, Incoming};
use hyper::header::{self, HeaderMap, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::sync::{Semaphore, mpsc, oneshot, watch};

use super::events::Sender;
use super::store::{self, Job, Record, Store};
use super::timed::{Conn, Timed};
use super::{Check, Config, Counters, Delivery, Event, Judgement, Notice, Received, Stop, Verdict};
use super::{forward, header};

/// What the receiver's thread is started with.
pub(crate) struct Setup<J> {
    pub config: Config,
    pub listener: std::net::TcpListener,
    pub store: Store,
    pub check: Box<Check<J>>,
    pub events: Sender<J>,
    pub stop: Stop,
}

/// What every request handler shares.
struct Shared<J> {
    config: Config,
    jobs: mpsc::Sender<Job>,
    check: Box<Check<J>>,
    events: Sender<J>,
    lane: Option<forward::Lane<J>>,
    counters: Arc<Counters>,
}

/// How long a client is asked to wait before retrying after a 503.
const RETRY_AFTER: &str = "5";

/// Starts the writer, the forward lane and the server, on threads of their own; the
/// returned thread ends after [`Event::Stopped`] was sent.
pub(crate) fn spawn<J: Judgement>(setup: Setup<J>) -> std::io::Result<JoinHandle<()>> {
    let Setup {
        config,
        listener,
        store,
        check,
        events,
        stop,
    } = setup;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("leadcheck-listen")
        .build()?;
    let counters = Arc::new(Counters::default());
    // At most one job per connection is in flight: the bound is never what waits.
    let (jobs, jobs_rx) = mpsc::channel(config.limits.max_connections.max(1) * 2);
    let writer = {
        let events = events.clone();
        let fsync = config.fsync;
        std::thread::Builder::new()
            .name("leadcheck-writer".into())
            .spawn(move || {
                store::write_loop(store, fsync, jobs_rx, |change| {
                    events.send(Event::Notice(match change {
                        Some(error) => Notice::StoreFailing { error },
                        None => Notice::StoreRecovered,
                    }))
                })
            })?
    };
    let (lane, lane_thread) = match &config.forward {
        Some(target) => {
            let (lane, thread) = forward::spawn(
                target.clone(),
                config.limits.forward_queue,
                config.limits.forward_timeout,
                events.clone(),
                counters.clone(),
            )?;
            (Some(lane), Some(thread))
        }
        None => (None, None),
    };
    let signals = config.signals;
    let shared = Arc::new(Shared {
        config,
        jobs,
        check,
        events: events.clone(),
        lane,
        counters: counters.clone(),
    });
    std::thread::Builder::new()
        .name("leadcheck-listen".into())
        .spawn(move || {
            runtime.block_on(serve(listener, shared.clone(), stop, signals));
            // Connections still open past the grace period are dropped with the runtime.
            drop(runtime);
            drop(shared);
            match writer.join() {
                Ok(Ok(())) => {}
                Ok(Err(e)) => events.send(Event::Notice(Notice::StoreFailing {
                    error: format!("cannot sync: {}", crate::reader::io_message(&e)),
                })),
                Err(_) => events.send(Event::Notice(Notice::StoreFailing {
                    error: "the writer thread stopped".into(),
                })),
            }
            if let Some(thread) = lane_thread {
                let _ = thread.join();
            }
            events.close_with(Event::Stopped(counters.snapshot()));
        })
}

/// Accepts connections until stopped, then lets the open ones finish.
async fn serve<J: Judgement>(
    listener: std::net::TcpListener,
    shared: Arc<Shared<J>>,
    stop: Stop,
    signals: bool,
) {
    let mut stopped = stop.tx.subscribe();
    let listener = match tokio::net::TcpListener::from_std(listener) {
        Ok(listener) => listener,
        Err(e) => {
            shared.events.send(Event::Notice(Notice::StoreFailing {
                error: format!("cannot accept: {}", crate::reader::io_message(&e)),
            }));
            return;
        }
    };
    if signals {
        let stop = stop.clone();
        tokio::spawn(async move {
            signalled().await;
            stop.stop();
        });
    }
    let limits = shared.config.limits.clone();
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let (drain, draining) = watch::channel(false);
    let mut http = hyper::server::conn::http1::Builder::new();
    http.max_headers(limits.max_headers)
        .max_header_size(limits.max_head_bytes)
        .header_read_timeout(None)
        .keep_alive(true);
    loop {
        let permit = tokio::select! {
            biased;
            _ = stopped.wait_for(|s| *s) => break,
            permit = permits.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
        };
        let (stream, peer) = tokio::select! {
            biased;
            _ = stopped.wait_for(|s| *s) => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(_) => {
                    // Out of file descriptors, or a connection reset before it was
                    // accepted: wait a little rather than spin.
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let conn = Conn::new(limits.head_timeout, limits.idle_timeout);
        let io = TokioIo::new(Timed::new(stream, conn.clone()));
        let shared = shared.clone();
        let mut draining = draining.clone();
        let http = http.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let service = hyper::service::service_fn(move |req| {
                let shared = shared.clone();
                let conn = conn.clone();
                async move {
                    let _handling = conn.request();
                    Ok::<_, Infallible>(handle(req, &shared, peer).await)
                }
            });
            let connection = http.serve_connection(io, service);
            tokio::pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => {}
                _ = async { drop(draining.wait_for(|d| *d).await) } => {
                    connection.as_mut().graceful_shutdown();
                    let _ = connection.await;
                }
            }
        });
    }
    drop(listener);
    if let Some(lane) = &shared.lane {
        lane.stopping();
    }
    drain.send_replace(true);
    // Every connection done: all permits back. A request can take a head and a body.
    let all = u32::try_from(limits.max_connections).unwrap_or(u32::MAX);
    let grace = limits.head_timeout + limits.body_timeout + Duration::from_secs(1);
    let _ = tokio::time::timeout(grace, permits.acquire_many(all)).await;
}

/// Ctrl-C or SIGTERM.
async fn signalled() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = ctrl_c => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => ctrl_c.await,
        }
    }
    #[cfg(not(unix))]
    ctrl_c.await;
}

type Answer = Response<Full<Bytes>>;

fn answer(status: StatusCode, content_type: &'static str, body: String) -> Answer {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

fn json_error(status: StatusCode, message: &str) -> Answer {
    let body = serde_json::json!({"ok": false, "error": message}).to_string();
    answer(status, "application/json", body)
}

/// One request, from its head to its answer.
async fn handle<J: Judgement>(
    req: Request<Incoming>,
    shared: &Shared<J>,
    peer: SocketAddr,
) -> Answer {
    let response = route(req, shared, peer).await;
    if response.status().is_client_error() {
        Counters::bump(&shared.counters.rejected);
    }
    response
}

async fn route<J: Judgement>(
    req: Request<Incoming>,
    shared: &Shared<J>,
    peer: SocketAddr,
) -> Answer {
    let config = &shared.config;
    if req.uri().path() != config.path {
        return answer(
            StatusCode::NOT_FOUND,
            "text/plain; charset=utf-8",
            "not found\n".into(),
        );
    }
    let secret = config.secret.as_deref().filter(|s| !s.is_empty());
    if let Some(secret) = secret
        && !authorized(&req, secret)
    {
        let mut response = json_error(
            StatusCode::UNAUTHORIZED,
            "a token is required: ?token= or Authorization: Bearer",
        );
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        return response;
    }
    match *req.method() {
        Method::POST => {}
        Method::GET | Method::HEAD => {
            let received = shared
                .counters
                .received
                .load(std::sync::atomic::Ordering::Relaxed);
            return answer(
                StatusCode::OK,
                "text/plain; charset=utf-8",
                format!("leadcheck listen: ready, {received} deliveries stored since it started\n"),
            );
        }
        _ => {
            let mut response = json_error(
                StatusCode::METHOD_NOT_ALLOWED,
                "deliveries are POSTed (GET answers a health line)",
            );
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD, POST"));
            return response;
        }
    }
    let limits = &config.limits;
    let too_large = || {
        let mut response = json_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!("the body is larger than {} bytes", limits.max_body),
        );
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
        response
    };
    // Content-Length is checked before anything is read.
    if req
        .body()
        .size_hint()
        .exact()
        .is_some_and(|n| n > limits.max_body as u64)
    {
        return too_large();
    }
    let (parts, body) = req.into_parts();
    let collected = tokio::time::timeout(
        limits.body_timeout,
        Limited::new(body, limits.max_body).collect(),
    )
    .await;
    let body = match collected {
        Ok(Ok(collected)) => collected.to_bytes(),
        Ok(Err(e)) if e.is::<LengthLimitError>() => return too_large(),
        Ok(Err(_)) => {
            return json_error(StatusCode::BAD_REQUEST, "the body could not be read");
        }
        Err(_) => {
            let mut response = json_error(
                StatusCode::REQUEST_TIMEOUT,
                "the body did not arrive in time",
            );
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            return response;
        }
    };
    let received = SystemTime::now();
    let target = stored_target(&parts.uri, secret);
    let (head, headers) = stored_head(&target, &parts.headers, body.len(), secret);
    let (placed_tx, placed_rx) = oneshot::channel();
    let (reply, done) = oneshot::channel();
    let job = Job {
        record: Record {
            head,
            received,
            peer: peer.to_string(),
            body: body.clone(),
        },
        placed: Some(placed_tx),
        reply,
    };
    let unavailable = || {
        Counters::bump(&shared.counters.store_failures);
        let mut response = json_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "the delivery could not be stored; try again later",
        );
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static(RETRY_AFTER));
        response
    };
    if shared.jobs.send(job).await.is_err() {
        return unavailable();
    }
    // The record's place is fixed before it is written: the check runs while the writer
    // writes and syncs, and its result counts only once the record is stored.
    let Ok(placed) = placed_rx.await else {
        return unavailable();
    };
    let delivery = Delivery {
        seq: placed.seq,
        received,
        peer,
        target: &target,
        headers: &headers,
        body: &body,
        place: placed.place,
        capture: &config.out,
    };
    let judgement = (shared.check)(&delivery);
    match done.await {
        Ok(Ok(stored)) if stored == placed => {}
        _ => return unavailable(),
    }
    Counters::bump(&shared.counters.received);
    Counters::bump(match judgement.verdict() {
        Verdict::Valid => &shared.counters.valid,
        Verdict::Invalid => &shared.counters.invalid,
        Verdict::Unreadable => &shared.counters.unreadable,
    });
    let content_type = header(&headers, "content-type").map(str::to_string);
    shared.events.send(Event::Delivery(Received {
        seq: placed.seq,
        received,
        peer,
        content_type: content_type.clone(),
        user_agent: header(&headers, "user-agent").map(str::to_string),
        body_len: body.len(),
        place: placed.place,
        judgement,
        forwarding: shared.lane.is_some(),
    }));
    if let Some(lane) = &shared.lane {
        lane.push(forward::Job {
            seq: placed.seq,
            body,
            content_type,
            headers: forwarded_headers(&parts.headers, secret),
        });
    }
    answer(
        StatusCode::OK,
        "application/json",
        format!("{{\"ok\":true,\"seq\":{}}}", placed.seq),
    )
}

/// Whether two byte strings are equal, in a time that depends only on their lengths.
fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |d, (x, y)| d | (x ^ y));
    std::hint::black_box(diff) == 0
}

/// Whether the request carries the secret, as `?token=` or `Authorization: Bearer`.
fn authorized<B>(req: &Request<B>, secret: &str) -> bool {
    let mut ok = false;
    if let Some(query) = req.uri().query() {
        for param in query.split('&') {
            if let Some(token) = param.strip_prefix("token=") {
                ok |= same(token.as_bytes(), secret.as_bytes());
            }
        }
    }
    for value in req.headers().get_all(header::AUTHORIZATION) {
        let value = value.as_bytes();
        if value.len() > 7 && value[..7].eq_ignore_ascii_case(b"bearer ") {
            ok |= same(value[7..].trim_ascii(), secret.as_bytes());
        }
    }
    ok
}

const REDACTED: &str = "[redacted]";

/// The request target as stored: path and query, the `token` parameter's value (and the
/// secret anywhere in the query) redacted.
fn stored_target(uri: &hyper::Uri, secret: Option<&str>) -> String {
    let mut target = uri.path().to_string();
    if let Some(query) = uri.query() {
        target.push('?');
        for (i, param) in query.split('&').enumerate() {
            if i > 0 {
                target.push('&');
            }
            if param.starts_with("token=") {
                target.push_str("token=");
                target.push_str(REDACTED);
            } else {
                target.push_str(&redact_secret(param, secret));
            }
        }
    }
    target
}

fn redact_secret<'a>(text: &'a str, secret: Option<&str>) -> Cow<'a, str> {
    match secret {
        Some(secret) if text.contains(secret) => Cow::Owned(text.replace(secret, REDACTED)),
        _ => Cow::Borrowed(text),
    }
}

/// A header's value as stored and shown: credentials and the secret redacted.
fn stored_value<'a>(name: &str, value: &'a [u8], secret: Option<&str>) -> Cow<'a, [u8]> {
    match name {
        "authorization" | "proxy-authorization" => {
            // The scheme (Bearer, Basic) says something; the credentials are redacted.
            let scheme = value
                .iter()
                .position(|&b| b == b' ')
                .map(|i| &value[..=i])
                .unwrap_or_default();
            Cow::Owned([scheme, REDACTED.as_bytes()].concat())
        }
        "cookie" => Cow::Borrowed(REDACTED.as_bytes()),
        _ => match secret {
            Some(secret) if memchr::memmem::find(value, secret.as_bytes()).is_some() => {
                let text = String::from_utf8_lossy(value);
                Cow::Owned(text.replace(secret, REDACTED).into_bytes())
            }
            _ => Cow::Borrowed(value),
        },
    }
}

/// `content-type` → `Content-Type`.
fn title_case(name: &str, out: &mut Vec<u8>) {
    let mut upper = true;
    for b in name.bytes() {
        out.push(if upper { b.to_ascii_uppercase() } else { b });
        upper = b == b'-';
    }
}

/// Whether a header is not kept as received: the framing (the body is stored with its own
/// `Content-Length`) and leadcheck's own headers, which a sender cannot set.
fn replaced(name: &str) -> bool {
    name == "content-length" || name == "transfer-encoding" || name.starts_with("x-leadcheck-")
}

/// The stored head (request line, headers, `Content-Length`; leadcheck's headers and the
/// blank line are the writer's) and the headers as the check sees them.
fn stored_head(
    target: &str,
    headers: &HeaderMap,
    body_len: usize,
    secret: Option<&str>,
) -> (Vec<u8>, Vec<(String, String)>) {
    let mut head = Vec::with_capacity(256 + target.len() + headers.len() * 48);
    let mut shown = Vec::with_capacity(headers.len() + 1);
    head.extend_from_slice(b"POST ");
    head.extend_from_slice(target.as_bytes());
    head.extend_from_slice(b" HTTP/1.1\r\n");
    for (name, value) in headers {
        let name = name.as_str();
        if replaced(name) {
            continue;
        }
        let value = stored_value(name, value.as_bytes(), secret);
        title_case(name, &mut head);
        head.extend_from_slice(b": ");
        head.extend_from_slice(&value);
        head.extend_from_slice(b"\r\n");
        shown.push((
            name.to_string(),
            String::from_utf8_lossy(&value).into_owned(),
        ));
    }
    head.extend_from_slice(format!("Content-Length: {body_len}\r\n").as_bytes());
    shown.push(("content-length".into(), body_len.to_string()));
    (head, shown)
}

/// The headers passed on to the app: the end-to-end ones as received, except the body's
/// framing, leadcheck's own, `Content-Type` (sent on its own) and any that carries the
/// secret (the app does not need leadcheck's secret).
fn forwarded_headers(headers: &HeaderMap, secret: Option<&str>) -> Vec<(String, String)> {
    headers
        .iter()
        .filter(|(name, _)| {
            let name = name.as_str();
            !replaced(name) && name != "content-type" && !crate::client::is_hop_by_hop(name)
        })
        .filter_map(|(name, value)| {
            Some((name.as_str().to_string(), value.to_str().ok()?.to_string()))
        })
        .filter(|(_, value)| secret.is_none_or(|s| !value.contains(s)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_compared_whole() {
        assert!(same(b"abc", b"abc"));
        assert!(!same(b"abc", b"abd"));
        assert!(!same(b"abc", b"ab"));
        let req = |uri: &str, auth: Option<&str>| {
            let mut b = Request::builder().uri(uri);
            if let Some(a) = auth {
                b = b.header("authorization", a);
            }
            b.body(()).unwrap()
        };
        assert!(authorized(&req("/?token=s3cret", None), "s3cret"));
        assert!(authorized(&req("/?a=1&token=s3cret", None), "s3cret"));
        assert!(!authorized(&req("/?token=s3cre", None), "s3cret"));
        assert!(!authorized(&req("/?xtoken=s3cret", None), "s3cret"));
        assert!(authorized(&req("/", Some("Bearer s3cret")), "s3cret"));
        assert!(authorized(&req("/", Some("bearer s3cret")), "s3cret"));
        assert!(!authorized(&req("/", Some("Basic s3cret")), "s3cret"));
        assert!(!authorized(&req("/", None), "s3cret"));
    }

    #[test]
    fn credentials_never_reach_the_capture() {
        let uri: hyper::Uri = "/hook?token=s3cret&x=1&y=as3cretb".parse().unwrap();
        assert_eq!(
            stored_target(&uri, Some("s3cret")),
            "/hook?token=[redacted]&x=1&y=a[redacted]b"
        );
        let mut headers = HeaderMap::new();
        headers.insert("authorization", HeaderValue::from_static("Bearer s3cret"));
        headers.insert("cookie", HeaderValue::from_static("session=abc"));
        headers.insert("x-secret", HeaderValue::from_static("s3cret"));
        headers.insert("content-type", HeaderValue::from_static("application/json"));
        headers.insert("transfer-encoding", HeaderValue::from_static("chunked"));
        headers.insert("x-leadcheck-seq", HeaderValue::from_static("999"));
        let (head, shown) = stored_head("/hook", &headers, 12, Some("s3cret"));
        let head = String::from_utf8(head).unwrap();
        assert_eq!(
            head,
            "POST /hook HTTP/1.1\r\nAuthorization: Bearer [redacted]\r\nCookie: [redacted]\r\nX-Secret: [redacted]\r\nContent-Type: application/json\r\nContent-Length: 12\r\n"
        );
        assert_eq!(header(&shown, "Content-Type"), Some("application/json"));
        assert_eq!(header(&shown, "content-length"), Some("12"));
        let forwarded = forwarded_headers(&headers, Some("s3cret"));
        assert_eq!(
            forwarded,
            vec![("cookie".to_string(), "session=abc".to_string())]
        );
    }
}
