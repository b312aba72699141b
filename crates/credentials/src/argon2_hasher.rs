use std::time::Duration;

use argon2::password_hash::phc::{Output, ParamsString, Salt};
use argon2::{Algorithm, Argon2, Params, PasswordHash, Version};
use orderflow_application::ports::{PasswordHashError, PasswordHasher};

use crate::hashing_slots::HashingSlots;

/// argon2id with the crate's defaults (19 MiB, 2 passes, 1 lane: OWASP's recommended minimum). Hashes are PHC
/// strings, so the parameters can be raised later without invalidating stored hashes. At most `concurrency`
/// hashes or verifications run at once, each in memory reused from one to the next (see [`HashingSlots`]).
pub struct Argon2Hasher {
    params: Params,
    slots: HashingSlots,
}

/// Verified against when an email is unknown, so that both cases cost the same: a hash with today's parameters of
/// a random password nobody kept (the answer is "no" whatever it is). A constant, so that starting the service
/// computes no hash and allocates no hashing memory.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$wQm9dmsmM+sWiAwynksJWA$j+bw940QZwY8g4+67u/n0CbXQCb5JHz7LhvF0EGFiu0";

impl Argon2Hasher {
    /// `concurrency` hashes at once; a caller waits at most `wait` for its turn. Memory is taken at the first hash.
    pub fn new(concurrency: usize, wait: Duration) -> Result<Self, PasswordHashError> {
        let params = Params::default();
        Ok(Self {
            slots: HashingSlots::new(concurrency, wait, params.block_count()),
            params,
        })
    }
}

fn failed(error: impl std::fmt::Display) -> PasswordHashError {
    PasswordHashError::Failed(error.to_string())
}

impl PasswordHasher for Argon2Hasher {
    fn hash(&self, password: &str) -> Result<String, PasswordHashError> {
        let salt = Salt::generate();
        let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
        let mut slot = self.slots.take()?;
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone())
            .hash_password_into_with_memory(password.as_bytes(), &salt, &mut out, slot.memory())
            .map_err(failed)?;
        drop(slot);
        let hash = PasswordHash {
            algorithm: Algorithm::Argon2id.ident(),
            version: Some(Version::V0x13.into()),
            params: ParamsString::try_from(&self.params).map_err(failed)?,
            salt: Some(salt),
            hash: Some(Output::new(&out).map_err(failed)?),
        };
        Ok(hash.to_string())
    }

    fn verify(&self, password: &str, hash: &str) -> Result<bool, PasswordHashError> {
        let Some((argon2, salt, expected)) = stored(hash) else {
            return Ok(false);
        };
        let mut out = vec![0u8; expected.len()];
        let mut slot = self.slots.take()?;
        let computed = if argon2.params().block_count() == self.params.block_count() {
            argon2.hash_password_into_with_memory(
                password.as_bytes(),
                &salt,
                &mut out,
                slot.memory(),
            )
        } else {
            // A hash made with other parameters than today's: its own memory, still within a slot.
            argon2.hash_password_into(password.as_bytes(), &salt, &mut out)
        };
        drop(slot);
        if computed.is_err() {
            return Ok(false);
        }
        // `Output`'s equality is constant-time.
        Ok(Output::new(&out).is_ok_and(|out| out == expected))
    }

    fn verify_against_dummy(&self, password: &str) -> Result<(), PasswordHashError> {
        self.verify(password, DUMMY_HASH).map(|_| ())
    }
}

/// The hasher, salt and output a stored PHC string describes; `None` for anything this hasher cannot read.
fn stored(hash: &str) -> Option<(Argon2<'static>, Salt, Output)> {
    let parsed = PasswordHash::new(hash).ok()?;
    let algorithm = Algorithm::try_from(parsed.algorithm.as_str()).ok()?;
    let version = match parsed.version {
        Some(number) => Version::try_from(number).ok()?,
        None => Version::default(),
    };
    let params = Params::try_from(&parsed).ok()?;
    let salt = parsed.salt?;
    let expected = parsed.hash?;
    Some((Argon2::new(algorithm, version, params), salt, expected))
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::PasswordHasher as _;

    fn hasher() -> Argon2Hasher {
        Argon2Hasher::new(2, Duration::from_secs(5)).unwrap()
    }

    #[test]
    fn hashes_are_argon2id_salted_and_verifiable() {
        let hasher = hasher();
        let first = hasher.hash("correct horse").unwrap();
        let second = hasher.hash("correct horse").unwrap();
        assert!(
            first.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{first}"
        );
        assert_ne!(first, second, "each hash has its own salt");
        assert_eq!(hasher.verify("correct horse", &first), Ok(true));
        assert_eq!(hasher.verify("correct horse", &second), Ok(true));
        assert_eq!(hasher.verify("correct horsE", &first), Ok(false));
    }

    #[test]
    fn hashes_made_by_the_argon2_crate_itself_verify_and_the_reverse() {
        let hasher = hasher();
        let by_crate = Argon2::default()
            .hash_password(b"correct horse")
            .unwrap()
            .to_string();
        assert_eq!(hasher.verify("correct horse", &by_crate), Ok(true));
        let ours = hasher.hash("correct horse").unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        use argon2::PasswordVerifier as _;
        assert!(Argon2::default()
            .verify_password(b"correct horse", &parsed)
            .is_ok());
    }

    #[test]
    fn hashes_with_other_parameters_still_verify() {
        let lighter = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8 * 1024, 1, 1, None).unwrap(),
        )
        .hash_password(b"correct horse")
        .unwrap()
        .to_string();
        assert_eq!(hasher().verify("correct horse", &lighter), Ok(true));
        assert_eq!(hasher().verify("wrong horse", &lighter), Ok(false));
    }

    #[test]
    fn the_dummy_costs_what_a_real_verification_costs() {
        let (argon2, _, output) = stored(DUMMY_HASH).unwrap();
        let ours = Params::default();
        let theirs = argon2.params();
        assert_eq!(
            (
                theirs.m_cost(),
                theirs.t_cost(),
                theirs.p_cost(),
                output.len()
            ),
            (
                ours.m_cost(),
                ours.t_cost(),
                ours.p_cost(),
                Params::DEFAULT_OUTPUT_LEN
            )
        );
        assert_eq!(hasher().verify_against_dummy("anything"), Ok(()));
    }

    #[test]
    fn an_unreadable_hash_never_verifies() {
        let hasher = hasher();
        assert_eq!(hasher.verify("anything", "not-a-phc-string"), Ok(false));
        assert_eq!(hasher.verify("anything", ""), Ok(false));
    }

    #[test]
    fn a_hash_waits_for_a_slot_and_gives_up_after_the_wait() {
        let hasher = Argon2Hasher::new(1, Duration::from_millis(50)).unwrap();
        let held = hasher.slots.take().unwrap();
        assert_eq!(hasher.hash("correct horse"), Err(PasswordHashError::Busy));
        assert_eq!(
            hasher.verify_against_dummy("correct horse"),
            Err(PasswordHashError::Busy)
        );
        drop(held);
        assert!(hasher.hash("correct horse").is_ok());
    }
}
