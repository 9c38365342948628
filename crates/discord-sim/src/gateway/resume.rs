//! RESUME (op 6): replay what the client missed, then RESUMED.

use serde::Deserialize;
use serde_json::{Value, json};

use super::intents::close;
use super::{Connection, Flow};

#[derive(Debug, Deserialize)]
struct Resume {
    token: String,
    session_id: String,
    #[serde(default)]
    seq: Option<u64>,
}

impl Connection {
    pub(super) async fn on_resume(&mut self, data: Value) -> Flow {
        let Ok(resume) = serde_json::from_value::<Resume>(data) else {
            self.out
                .close(close::DECODE_ERROR, "Error while decoding payload.")
                .await;
            return Flow::Stop;
        };
        if !self.shared.is_bot_token(&resume.token) {
            self.out
                .close(close::AUTHENTICATION_FAILED, "Authentication failed.")
                .await;
            return Flow::Stop;
        }
        let window = self.shared.config.resume_window;
        // A client may resume on the connection that still holds its session (after a
        // resumable op 9); otherwise the session was parked when its connection ended.
        let session = match self.session.take() {
            Some(current) if current.id == resume.session_id => Some(current),
            Some(other) => {
                self.session = Some(other);
                None
            }
            None => self.shared.gateway.unpark(&resume.session_id, window),
        };
        let Some(session) = session else {
            return self.invalid_session().await;
        };
        let seq = resume.seq.unwrap_or(0);
        if seq > session.seq {
            self.out.close(close::INVALID_SEQ, "Invalid seq.").await;
            return Flow::Stop;
        }
        let Some(frames) = session.replay_after(seq) else {
            return self.invalid_session().await;
        };
        self.shared.gateway.set_session(self.id, &session);
        self.session = Some(session);
        for frame in frames {
            if self.out.feed(frame).await.is_err() {
                return Flow::Stop;
            }
        }
        // Events published while the client was away wait in the session's receiver and
        // follow RESUMED with fresh sequence numbers.
        // Discord sends an object here (serenity rejects anything else); twilight ignores it.
        self.dispatch("RESUMED", r#"{"_trace":["discord-sim"]}"#)
            .await
    }

    async fn invalid_session(&mut self) -> Flow {
        let payload = json!({"op": 9, "d": false, "s": null, "t": null});
        self.send_or_stop(&payload).await
    }
}
