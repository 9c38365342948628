//! Splitting large inputs into server-sized batches.
//!
//! Routes that take many records at once cap how many per request (for example
//! [`guildhall_wire::users::MAX_USER_BATCH`]); [`in_batches`] sends any number of records as
//! consecutive requests and reports each finished batch, so a caller can show progress the
//! way the bot's `!sync` does ("Progress: 3/10 batches").

use std::future::Future;

use crate::Result;

/// Where a batched call has got to, given to the progress callback after each batch.
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

/// Sends `items` in consecutive batches of at most `size` through `send`, calling `on_batch`
/// after each one. Batches go one after another, so a record repeated in a later batch is
/// applied after the earlier one, as it would be within one batch. Stops at the first error;
/// the batches reported before it were applied.
pub(crate) async fn in_batches<'a, T, R, S, Fut, P>(
    items: &'a [T],
    size: usize,
    mut send: S,
    mut on_batch: P,
) -> Result<()>
where
    S: FnMut(&'a [T]) -> Fut,
    Fut: Future<Output = Result<R>>,
    P: FnMut(BatchProgress, R),
{
    let size = size.max(1);
    let batches = items.len().div_ceil(size);
    let mut done = 0;
    for (index, chunk) in items.chunks(size).enumerate() {
        let result = send(chunk).await?;
        done += chunk.len();
        on_batch(
            BatchProgress {
                batch: index + 1,
                batches,
                done,
                total: items.len(),
            },
            result,
        );
    }
    Ok(())
}
