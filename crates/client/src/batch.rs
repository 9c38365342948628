//! Splitting large inputs into server-sized batches.
//!
//! Routes that take many records at once cap how many per request (for example
//! [`guildhall_wire::users::MAX_USER_BATCH`]); [`batch_stream`] sends any number of records as
//! consecutive requests, one per poll, and yields each batch's answer with a
//! [`BatchProgress`], so a caller can report progress between batches, awaiting whatever it
//! likes (the bot's `!sync` posts "Progress: 3/10 batches" to Discord).

use std::future::Future;

use futures::stream::{self, BoxStream, StreamExt};

use crate::Result;

/// Where a batched call has got to, reported after each batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchProgress {
    /// The batch just finished, counting from 1.
    pub batch: usize,
    /// How many batches there are in all.
    pub batches: usize,
    /// Records sent so far, this batch included.
    pub done: usize,
    /// Records to send in all.
    pub total: usize,
}

/// Sends `items` in consecutive batches of at most `size` through `send` as the stream is
/// polled, yielding each answer with the progress so far.
///
/// Batches go one after another, so a record repeated in a later batch is applied after the
/// earlier one, as it would be within one batch. The stream ends after the first error; the
/// batches yielded before it were applied. `T` is cloned into each batch, so pass references
/// (`Vec<&Record>`) for large records.
pub(crate) fn batch_stream<'a, T, R, S, Fut>(
    items: Vec<T>,
    size: usize,
    send: S,
) -> BoxStream<'a, Result<(BatchProgress, R)>>
where
    T: Clone + Send + 'a,
    R: Send + 'a,
    S: FnMut(Vec<T>) -> Fut + Send + 'a,
    Fut: Future<Output = Result<R>> + Send + 'a,
{
    let size = size.max(1);
    let progress = BatchProgress {
        batch: 0,
        batches: items.len().div_ceil(size),
        done: 0,
        total: items.len(),
    };
    stream::unfold(Some((items, progress, send)), move |state| async move {
        let (items, mut progress, mut send) = state?;
        if progress.done == progress.total {
            return None;
        }
        let end = (progress.done + size).min(progress.total);
        match send(items[progress.done..end].to_vec()).await {
            Ok(answer) => {
                progress.batch += 1;
                progress.done = end;
                Some((Ok((progress, answer)), Some((items, progress, send))))
            }
            Err(e) => Some((Err(e), None)),
        }
    })
    .boxed()
}

#[cfg(test)]
mod tests {
    use futures::TryStreamExt;

    use super::*;
    use crate::{Error, ErrorKind};

    #[tokio::test]
    async fn batches_are_sent_in_order_and_sized() {
        let items: Vec<u32> = (0..25).collect();
        let sizes: Vec<(BatchProgress, usize)> =
            batch_stream(items, 10, |chunk: Vec<u32>| async move { Ok(chunk.len()) })
                .try_collect()
                .await
                .unwrap();
        let done: Vec<(usize, usize, usize)> =
            sizes.iter().map(|(p, n)| (p.batch, p.done, *n)).collect();
        assert_eq!(done, [(1, 10, 10), (2, 20, 10), (3, 25, 5)]);
        assert!(sizes.iter().all(|(p, _)| p.batches == 3 && p.total == 25));

        let none: Vec<_> = batch_stream(Vec::<u32>::new(), 10, |_| async { Ok(()) })
            .collect()
            .await;
        assert!(none.is_empty(), "no items, no requests");
    }

    #[tokio::test]
    async fn the_stream_ends_after_the_first_error() {
        let mut sent = 0;
        let results: Vec<Result<(BatchProgress, ())>> =
            batch_stream((0..50).collect::<Vec<u32>>(), 10, |chunk| {
                sent += 1;
                let fail = chunk[0] == 20;
                async move {
                    if fail {
                        Err(Error::from_status(503, "busy".into()))
                    } else {
                        Ok(())
                    }
                }
            })
            .collect()
            .await;
        assert_eq!(results.len(), 3);
        assert_eq!(results[2].as_ref().unwrap_err().kind(), ErrorKind::Server);
        assert_eq!(sent, 3, "nothing is sent after the failed batch");
    }
}
