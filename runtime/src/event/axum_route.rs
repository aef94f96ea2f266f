//! An axum route for event posts (feature `axum`): it decodes the post, checks its
//! `application_token`, hands the typed event to a channel and answers at once, so a slow
//! consumer never holds the portal's connection.

use std::sync::Arc;

use axum::body::Bytes;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{post, MethodRouter};
use tokio::sync::mpsc::error::TrySendError;
use tokio::sync::mpsc::Sender;

use super::offline::FromEventPost;
use super::{EventDecodeError, EventDecoder, EventPayloadError};
use crate::secret::Secret;

/// What the route sends down its channel: the typed event, or a known event whose payload did
/// not fit its type (with the whole post).
pub type ReceivedEvent<E> = Result<E, EventPayloadError>;

/// A `POST` route for a portal's event posts, typed as `E` (`bitrix24::Event`):
///
/// - `200` once the event is in `events`;
/// - `401` when `auth[application_token]` is missing or is not `application_token`;
/// - `400` for a body that is not an event post, `413` for one over the decoder's cap;
/// - `503` when the channel is full or closed (the portal does not retry, so size the channel
///   for bursts and keep its consumer running).
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use bitrix_runtime::{event_route, EventPost, Secret};
///
/// let (events, mut received) = tokio::sync::mpsc::channel(1024);
/// let app = axum::Router::new()
///     .route("/bitrix/events", event_route::<EventPost>(Secret::new("app-token"), events));
/// tokio::spawn(async move {
///     while let Some(event) = received.recv().await {
///         println!("{event:?}");
///     }
/// });
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
/// axum::serve(listener, app).await?;
/// # Ok(()) }
/// ```
pub fn event_route<E: FromEventPost + Send + 'static>(
    application_token: Secret,
    events: Sender<ReceivedEvent<E>>,
) -> MethodRouter {
    event_route_with(EventDecoder::default(), application_token, events)
}

/// [`event_route`] with the decoder's caps chosen.
pub fn event_route_with<E: FromEventPost + Send + 'static>(
    decoder: EventDecoder,
    application_token: Secret,
    events: Sender<ReceivedEvent<E>>,
) -> MethodRouter {
    let route = Arc::new(Route {
        decoder,
        application_token,
        events,
    });
    post(move |headers: HeaderMap, body: Bytes| {
        let route = Arc::clone(&route);
        async move { route.answer(&headers, &body) }
    })
}

struct Route<E> {
    decoder: EventDecoder,
    application_token: Secret,
    events: Sender<ReceivedEvent<E>>,
}

impl<E: FromEventPost> Route<E> {
    fn answer(&self, headers: &HeaderMap, body: &[u8]) -> StatusCode {
        let content_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok());
        let post = self.decoder.body(content_type, body).and_then(|post| {
            post.check_application_token(&self.application_token)
                .map(|()| post)
        });
        let post = match post {
            Ok(post) => post,
            Err(e) => {
                // The messages name keys and caps, never a value longer than `%XX`.
                tracing::warn!(error = %e, "event post refused");
                return match e {
                    e if e.is_unauthorized() => StatusCode::UNAUTHORIZED,
                    EventDecodeError::BodyTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
                    _ => StatusCode::BAD_REQUEST,
                };
            }
        };
        let name = post.name.clone();
        match self.events.try_send(E::from_event_post(post)) {
            Ok(()) => StatusCode::OK,
            Err(TrySendError::Full(_)) => {
                tracing::warn!(event = %name, "event channel full, post dropped");
                StatusCode::SERVICE_UNAVAILABLE
            }
            Err(TrySendError::Closed(_)) => {
                tracing::warn!(event = %name, "event channel closed, post dropped");
                StatusCode::SERVICE_UNAVAILABLE
            }
        }
    }
}
