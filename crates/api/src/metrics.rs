//! Prometheus metrics: request counts and latencies by route, database pool use.
//!
//! The `metrics` crate records into one process-wide recorder, so the exporter is installed
//! once per process and shared by every server in it (tests start many).

use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::AppState;

/// Latency buckets in seconds: fine below 10 ms, where reads should land, coarse above.
const LATENCY_BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The process's Prometheus recorder, installed on first use.
pub fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), &LATENCY_BUCKETS)
            .expect("the latency bucket list is not empty")
            .build_recorder();
        let handle = recorder.handle();
        // Another recorder may already be installed (an embedding program's); then ours only
        // renders what it is given, which is still valid output.
        let _ = metrics::set_global_recorder(recorder);
        handle
    })
}

/// Middleware: counts requests and times them, labelled by route template (not raw path, so
/// ids do not explode the label set).
pub(crate) async fn track(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    let labels = [("method", method), ("route", route)];
    metrics::histogram!("guildhall_http_request_duration_seconds", &labels)
        .record(started.elapsed().as_secs_f64());
    let [method, route] = labels;
    metrics::counter!(
        "guildhall_http_requests_total",
        &[method, route, ("status", status)]
    )
    .increment(1);
    response
}

/// `GET /metrics`: Prometheus text format.
pub(crate) async fn render(State(state): State<AppState>) -> impl IntoResponse {
    let pool = state.store.pool_stats();
    let backend = state.store.backend().name();
    metrics::gauge!("guildhall_db_pool_connections", "state" => "idle", "backend" => backend)
        .set(f64::from(pool.idle));
    metrics::gauge!("guildhall_db_pool_connections", "state" => "in_use", "backend" => backend)
        .set(f64::from(pool.size.saturating_sub(pool.idle)));
    metrics::gauge!("guildhall_db_pool_max_connections", "backend" => backend)
        .set(f64::from(pool.max));
    (
        [(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        handle().render(),
    )
}
