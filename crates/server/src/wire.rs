//! The connection beneath HTTP. A request that HTTP itself cannot parse (a control character in a
//! header, a path longer than 64 KiB, a head too large) is refused by the HTTP library before any of
//! our code runs, with a bare `400`, `414` or `431` and no body. Every connection is wrapped so that
//! such an answer leaves in our error format instead: the same status, a JSON body with `type`,
//! `code`, `message` and `request_id`, and the connection closed, as the library would.
//!
//! Only those library answers are rewritten: they are the only responses with one of these statuses
//! and an empty body (every answer of ours carries a body), and they are written whole, head only.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use axum::extract::connect_info::Connected;
use axum::http::StatusCode;
use axum::serve::IncomingStream;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

use crate::error::{ApiError, ErrorType};

/// A TCP listener whose connections answer unparseable requests in our error format.
pub struct GuardedListener(pub TcpListener);

/// The client's address, as the connection saw it.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub SocketAddr);

impl axum::serve::Listener for GuardedListener {
    type Io = Guarded<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let (stream, addr) = axum::serve::Listener::accept(&mut self.0).await;
        (Guarded::new(stream), addr)
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.0.local_addr()
    }
}

impl Connected<IncomingStream<'_, GuardedListener>> for ClientAddr {
    fn connect_info(stream: IncomingStream<'_, GuardedListener>) -> Self {
        ClientAddr(*stream.remote_addr())
    }
}

/// A connection that rewrites the HTTP library's bodiless protocol-error answers.
pub struct Guarded<T> {
    inner: T,
    /// Our answer, replacing one the library wrote, still to be sent.
    pending: Vec<u8>,
    sent: usize,
    /// How many bytes of the library's answer the replacement stands for.
    replaced: usize,
}

impl<T> Guarded<T> {
    pub fn new(inner: T) -> Self {
        Self { inner, pending: Vec::new(), sent: 0, replaced: 0 }
    }
}

/// Our answer for a bodiless protocol-error head the library wrote, if `head` is one.
fn replacement(head: &[u8]) -> Option<Vec<u8>> {
    let (status, code, message) = if head.starts_with(b"HTTP/1.1 400 ") {
        (StatusCode::BAD_REQUEST, "request_malformed", "The request is not valid HTTP: a header holds a character that is not allowed, or the request line or a header is malformed.")
    } else if head.starts_with(b"HTTP/1.1 414 ") {
        (StatusCode::URI_TOO_LONG, "uri_too_long", "The request's path and query are too long.")
    } else if head.starts_with(b"HTTP/1.1 431 ") {
        (StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE, "headers_too_large", "The request's headers are too large.")
    } else {
        return None;
    };
    let text = std::str::from_utf8(head).ok()?.to_ascii_lowercase();
    if !text.ends_with("\r\n\r\n") || !text.contains("\r\ncontent-length: 0\r\n") {
        return None;
    }
    let request_id = crate::secrets::random_id("req");
    let body = ApiError::new(status, ErrorType::InvalidRequest, code, message).body(&request_id).to_string();
    let reason = status.canonical_reason().unwrap_or("Bad Request");
    Some(
        format!(
            "HTTP/1.1 {} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nrequest-id: {request_id}\r\nconnection: close\r\n\r\n{body}",
            status.as_u16(),
            body.len()
        )
        .into_bytes(),
    )
}

impl<T: AsyncWrite + Unpin> Guarded<T> {
    /// Sends what is left of a replacement; ready once it is all sent.
    fn drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.sent < self.pending.len() {
            let n = ready!(Pin::new(&mut self.inner).poll_write(cx, &self.pending[self.sent..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.sent += n;
        }
        Poll::Ready(Ok(()))
    }

    /// Writes `buf`, or its replacement; `Some` when `buf` was answered by a replacement.
    fn write_guarded(&mut self, cx: &mut Context<'_>, buf: &[u8]) -> Option<Poll<io::Result<usize>>> {
        if self.replaced == 0 {
            let answer = replacement(buf)?;
            self.pending = answer;
            self.sent = 0;
            self.replaced = buf.len();
        }
        Some(match self.drain(cx) {
            Poll::Ready(Ok(())) => {
                let n = std::mem::take(&mut self.replaced);
                self.pending.clear();
                Poll::Ready(Ok(n))
            }
            other => other.map(|r| r.map(|()| 0)),
        })
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Guarded<T> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Guarded<T> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        if let Some(answer) = self.write_guarded(cx, buf) {
            return answer;
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        if let Some(first) = bufs.iter().find(|b| !b.is_empty()) {
            if self.replaced > 0 || replacement(first).is_some() {
                let first: &[u8] = first;
                let first = first.to_vec();
                if let Some(answer) = self.write_guarded(cx, &first) {
                    return answer;
                }
            }
        }
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.drain(cx))?;
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.drain(cx))?;
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_bodiless_protocol_errors_are_replaced() {
        let library = b"HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\ndate: x\r\n\r\n";
        let ours = replacement(library).map(|r| String::from_utf8_lossy(&r).into_owned()).unwrap_or_default();
        assert!(
            ours.starts_with("HTTP/1.1 400 Bad Request\r\n") && ours.contains("\"code\":\"request_malformed\""),
            "{ours}"
        );
        let body = ours.split("\r\n\r\n").nth(1).unwrap_or_default();
        assert!(ours.contains(&format!("content-length: {}\r\n", body.len())));
        assert!(replacement(b"HTTP/1.1 414 URI Too Long\r\ncontent-length: 0\r\n\r\n").is_some());
        // Our own answers carry a body; a success is never touched.
        assert!(replacement(
            b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 12\r\n\r\n"
        )
        .is_none());
        assert!(replacement(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n").is_none());
        assert!(replacement(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n{\"a\":1}").is_none());
    }
}
