//! The withdrawal queue on RabbitMQ (AMQP 0-9-1, `lapin`): a durable queue with a
//! dead-letter queue beside it, persistent messages, publisher confirms, and manual acks.
//!
//! The broker is a transport, never the record: withdrawals live in the database, an
//! outbox row is written in the same transaction, and a periodic database pass finds
//! anything a lost message would have carried. Both sides reconnect by themselves when the
//! broker comes back.

use std::future::Future;
use std::time::Duration;

use futures::StreamExt;
use lapin::options::{
    BasicAckOptions, BasicConsumeOptions, BasicNackOptions, BasicPublishOptions, BasicQosOptions,
    ConfirmSelectOptions, QueueDeclareOptions,
};
use lapin::types::{AMQPValue, FieldTable};
use lapin::{BasicProperties, Channel, Connection, ConnectionProperties};
use tokio::sync::Mutex;

#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    #[error("broker: {0}")]
    Broker(#[from] lapin::Error),
    #[error("the broker did not confirm the message")]
    NotConfirmed,
    #[error("message could not be encoded: {0}")]
    Encode(#[from] serde_json::Error),
}

/// Where the queue lives.
#[derive(Clone)]
pub struct Broker {
    /// `amqp://user:password@host:port/vhost`: shown with the password masked.
    pub url: String,
    pub queue: String,
}

impl std::fmt::Debug for Broker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Broker")
            .field("url", &pupero_config::redact_url(&self.url))
            .field("queue", &self.queue)
            .finish()
    }
}

impl Broker {
    pub fn dead_letter_queue(&self) -> String {
        format!("{}.dead", self.queue)
    }

    /// Connects, declares the queue and its dead-letter queue (both durable), and turns on
    /// publisher confirms.
    pub async fn open(&self) -> Result<(Connection, Channel), QueueError> {
        let connection = Connection::connect(&self.url, ConnectionProperties::default()).await?;
        let channel = connection.create_channel().await?;
        channel
            .queue_declare(
                self.dead_letter_queue().as_str().into(),
                QueueDeclareOptions::durable(),
                FieldTable::default(),
            )
            .await?;
        let mut arguments = FieldTable::default();
        // Rejected messages go to "<queue>.dead" through the default exchange.
        arguments.insert(
            "x-dead-letter-exchange".into(),
            AMQPValue::LongString("".into()),
        );
        arguments.insert(
            "x-dead-letter-routing-key".into(),
            AMQPValue::LongString(self.dead_letter_queue().as_str().into()),
        );
        channel
            .queue_declare(
                self.queue.as_str().into(),
                QueueDeclareOptions::durable(),
                arguments,
            )
            .await?;
        channel
            .confirm_select(ConfirmSelectOptions::default())
            .await?;
        Ok((connection, channel))
    }
}

impl Broker {
    /// Messages waiting in the dead-letter queue (for operators and tests).
    pub async fn dead_letters(&self) -> Result<u32, QueueError> {
        let (_connection, channel) = self.open().await?;
        let queue = channel
            .queue_declare(
                self.dead_letter_queue().as_str().into(),
                QueueDeclareOptions {
                    passive: true,
                    ..QueueDeclareOptions::default()
                },
                FieldTable::default(),
            )
            .await?;
        Ok(queue.message_count())
    }

    /// Deletes the queue and its dead-letter queue.
    pub async fn delete(&self) -> Result<(), QueueError> {
        let (_connection, channel) = self.open().await?;
        for name in [self.queue.clone(), self.dead_letter_queue()] {
            channel
                .queue_delete(
                    name.as_str().into(),
                    lapin::options::QueueDeleteOptions::default(),
                )
                .await?;
        }
        Ok(())
    }
}

/// Publishes persistent messages and waits for the broker's confirm of each.
pub struct Publisher {
    broker: Broker,
    open: Mutex<Option<(Connection, Channel)>>,
}

impl Publisher {
    pub fn new(broker: Broker) -> Self {
        Self {
            broker,
            open: Mutex::new(None),
        }
    }

    pub async fn publish_json<T: serde::Serialize>(&self, message: &T) -> Result<(), QueueError> {
        self.publish_json_with_headers(message, &[]).await
    }

    /// Publishes `message` with string headers (e.g. the request id and `traceparent` of
    /// the request behind it, so its consumer can log under them).
    pub async fn publish_json_with_headers<T: serde::Serialize>(
        &self,
        message: &T,
        headers: &[(&str, &str)],
    ) -> Result<(), QueueError> {
        let mut table = FieldTable::default();
        for (name, value) in headers {
            table.insert((*name).into(), AMQPValue::LongString((*value).into()));
        }
        let payload = serde_json::to_vec(message)?;
        let mut open = self.open.lock().await;
        if open.as_ref().is_none_or(|(c, _)| !c.status().connected()) {
            *open = Some(self.broker.open().await?);
        }
        let Some((_, channel)) = open.as_ref() else {
            return Err(QueueError::NotConfirmed);
        };
        let result = async {
            let confirm = channel
                .basic_publish(
                    "".into(),
                    self.broker.queue.as_str().into(),
                    BasicPublishOptions::default(),
                    &payload,
                    BasicProperties::default()
                        .with_delivery_mode(2)
                        .with_content_type("application/json".into())
                        .with_headers(table.clone()),
                )
                .await?
                .await?;
            if confirm.is_ack() {
                Ok(())
            } else {
                Err(QueueError::NotConfirmed)
            }
        }
        .await;
        if result.is_err() {
            // Start afresh next time: the channel may be broken.
            *open = None;
        }
        result
    }
}

/// One delivery: its body and its string headers.
#[derive(Debug, Clone, Default)]
pub struct Message {
    pub payload: Vec<u8>,
    pub headers: Vec<(String, String)>,
}

impl Message {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What the consumer does with a message it was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Done (or nothing to do): remove it.
    Ack,
    /// Could not be handled now (a dependency is down): put it back, try again later.
    Retry,
    /// Can never be handled (malformed): to the dead-letter queue, so it blocks nothing.
    Reject,
}

/// Consumes the queue one message at a time, reconnecting with backoff, until `shutdown`
/// turns true.
pub fn spawn_consumer<F, Fut>(
    broker: Broker,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
    handler: F,
) -> tokio::task::JoinHandle<()>
where
    F: Fn(Message) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Outcome> + Send,
{
    tokio::spawn(async move {
        let mut backoff = Duration::from_millis(500);
        loop {
            match consume(&broker, &handler, &mut shutdown).await {
                Ok(()) => backoff = Duration::from_millis(500),
                Err(e) => {
                    tracing::warn!(error = %e, queue = %broker.queue, "queue consumer disconnected; reconnecting")
                }
            }
            if *shutdown.borrow() {
                return;
            }
            tokio::select! {
                () = tokio::time::sleep(backoff) => {}
                _ = shutdown.wait_for(|stop| *stop) => return,
            }
            backoff = (backoff * 2).min(Duration::from_secs(10));
        }
    })
}

/// Handles deliveries until the connection drops or `shutdown` turns true; a message being
/// handled is finished and answered first.
async fn consume<F, Fut>(
    broker: &Broker,
    handler: &F,
    shutdown: &mut tokio::sync::watch::Receiver<bool>,
) -> Result<(), QueueError>
where
    F: Fn(Message) -> Fut,
    Fut: Future<Output = Outcome>,
{
    let (_connection, channel) = broker.open().await?;
    channel.basic_qos(1, BasicQosOptions::default()).await?;
    let mut deliveries = channel
        .basic_consume(
            broker.queue.as_str().into(),
            "".into(),
            BasicConsumeOptions::default(),
            FieldTable::default(),
        )
        .await?;
    tracing::info!(queue = %broker.queue, "consuming");
    loop {
        let next = tokio::select! {
            next = deliveries.next() => next,
            _ = shutdown.wait_for(|stop| *stop) => None,
        };
        let Some(delivery) = next else { break };
        let delivery = delivery?;
        let headers = delivery
            .properties
            .headers()
            .as_ref()
            .map(|table| {
                table
                    .inner()
                    .iter()
                    .filter_map(|(k, v)| match v {
                        AMQPValue::LongString(s) => Some((
                            k.as_str().to_owned(),
                            String::from_utf8_lossy(s.as_bytes()).into_owned(),
                        )),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        let message = Message {
            payload: delivery.data.clone(),
            headers,
        };
        match handler(message).await {
            Outcome::Ack => {
                delivery.ack(BasicAckOptions::default()).await?;
            }
            Outcome::Retry => {
                tokio::time::sleep(Duration::from_secs(1)).await;
                delivery
                    .nack(BasicNackOptions {
                        requeue: true,
                        ..BasicNackOptions::default()
                    })
                    .await?;
            }
            Outcome::Reject => {
                delivery
                    .nack(BasicNackOptions {
                        requeue: false,
                        ..BasicNackOptions::default()
                    })
                    .await?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broker_in_a_log_line_shows_no_password() {
        let broker = Broker {
            url: "amqp://pupero:hunter2@rabbit:5672/%2f".into(),
            queue: "pupero.withdrawals".into(),
        };
        let shown = format!("{broker:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(
            shown.contains("amqp://pupero:***@rabbit:5672/%2f"),
            "{shown}"
        );
        assert!(shown.contains("pupero.withdrawals"), "{shown}");
    }
}
