//! Waiting between tries, written once: a pause that doubles from a first one up to a longest
//! one, each spread by a random factor (0.5 to 1.5) so that many waiting processes do not ask
//! again in step. The fleet's polls, the API client's retries without `Retry-After` and the
//! token keeper's failure pause all take their waits from here.

use std::time::Duration;

/// A doubling pause: [`Backoff::next`] gives the next wait.
#[derive(Debug, Clone)]
pub struct Backoff {
    first: Duration,
    longest: Duration,
    /// How many waits were given.
    tries: u32,
    spread: bool,
}

impl Backoff {
    /// Waits of `first`, then twice as long each time, never past `longest`, each spread.
    pub fn new(first: Duration, longest: Duration) -> Self {
        Backoff {
            first,
            longest,
            tries: 0,
            spread: true,
        }
    }

    /// The same waits without the random spread: a schedule a person reads (the API client's
    /// "waiting 2s before retry 2") or a test checks.
    pub fn exact(self) -> Self {
        Backoff {
            spread: false,
            ..self
        }
    }

    /// The wait after `tries` tries, unspread: `first × 2^tries`, at most `longest`.
    pub fn nominal(&self, tries: u32) -> Duration {
        self.first
            .saturating_mul(2u32.saturating_pow(tries))
            .min(self.longest)
    }

    /// The next wait.
    pub fn next_wait(&mut self) -> Duration {
        let wait = self.nominal(self.tries);
        self.tries = self.tries.saturating_add(1);
        if self.spread { spread(wait) } else { wait }
    }

    /// Back to the first wait, after a success.
    pub fn reset(&mut self) {
        self.tries = 0;
    }

    /// Sleeps the next wait.
    pub fn sleep(&mut self) {
        std::thread::sleep(self.next_wait());
    }
}

/// `pause` scaled by a random factor between 0.5 and 1.5.
pub fn spread(pause: Duration) -> Duration {
    let mut byte = [0u8; 1];
    let _ = getrandom::fill(&mut byte);
    pause.mul_f64(0.5 + f64::from(byte[0]) / 255.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_up_to_the_longest() {
        let mut backoff = Backoff::new(Duration::from_secs(1), Duration::from_secs(60)).exact();
        let waits: Vec<u64> = (0..9).map(|_| backoff.next_wait().as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
        backoff.reset();
        assert_eq!(backoff.next_wait(), Duration::from_secs(1));
    }

    #[test]
    fn a_spread_wait_stays_within_half_and_one_and_a_half_times() {
        let mut backoff = Backoff::new(Duration::from_millis(100), Duration::from_secs(1));
        for _ in 0..50 {
            let nominal = backoff.nominal(backoff.tries);
            let wait = backoff.next_wait();
            assert!(wait >= nominal / 2 && wait <= nominal * 3 / 2, "{wait:?}");
        }
        // No overflow however many tries.
        let mut many = Backoff::new(Duration::from_secs(1), Duration::from_secs(60)).exact();
        for _ in 0..200 {
            many.next_wait();
        }
        assert_eq!(many.next_wait(), Duration::from_secs(60));
    }
}
