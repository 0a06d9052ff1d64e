//! Request ids: taken from `x-request-id` or generated, echoed in the response and
//! attached to every log line of the request.

use axum::http::{HeaderName, Request};
use tower::ServiceBuilder;
use tower::layer::util::{Identity, Stack};
use tower_http::classify::{ServerErrorsAsFailures, SharedClassifier};
use tower_http::request_id::{
    MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

const HEADER: HeaderName = HeaderName::from_static("x-request-id");

type MakeSpan = fn(&Request<axum::body::Body>) -> tracing::Span;

/// The stack of layers: set id, trace with it, propagate it.
pub(crate) type RequestIdLayers = Stack<
    PropagateRequestIdLayer,
    Stack<
        TraceLayer<SharedClassifier<ServerErrorsAsFailures>, MakeSpan>,
        Stack<SetRequestIdLayer<MakeRequestUuid>, Identity>,
    >,
>;

/// Builds the request-id and tracing layers.
pub(crate) fn layer() -> ServiceBuilder<RequestIdLayers> {
    ServiceBuilder::new()
        .layer(SetRequestIdLayer::new(HEADER, MakeRequestUuid))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(span as MakeSpan)
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(PropagateRequestIdLayer::new(HEADER))
}

/// The request's span: id, method and path. Never the query string, which may carry a token
/// (`?access_token=` for the client API, `?token=` for feeds).
fn span(request: &Request<axum::body::Body>) -> tracing::Span {
    let id = request
        .extensions()
        .get::<RequestId>()
        .and_then(|id| id.header_value().to_str().ok())
        .unwrap_or("-");
    tracing::info_span!(
        "request",
        id = %id,
        method = %request.method(),
        path = %request.uri().path(),
    )
}
