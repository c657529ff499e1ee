//! Monero addresses, checked in Rust before any wallet sees them: Monero's base58 (8-byte
//! blocks → 11 characters), the network and kind from the varint prefix, and the
//! Keccak-256 checksum (the original Keccak padding, not SHA3-256's).

use std::fmt;
use std::str::FromStr;

use tiny_keccak::{Hasher, Keccak};

const ALPHABET: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
/// Characters needed for a block of n bytes, n = 0..=8.
const ENCODED_BLOCK_SIZES: [usize; 9] = [0, 2, 3, 5, 6, 7, 9, 10, 11];
const FULL_BLOCK: usize = 8;
const FULL_ENCODED_BLOCK: usize = 11;

/// Regtest uses mainnet addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Network {
    Mainnet,
    Testnet,
    Stagenet,
}

impl Network {
    pub fn as_str(self) -> &'static str {
        match self {
            Network::Mainnet => "mainnet",
            Network::Testnet => "testnet",
            Network::Stagenet => "stagenet",
        }
    }
}

impl FromStr for Network {
    type Err = AddressError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "mainnet" | "regtest" => Ok(Network::Mainnet),
            "testnet" => Ok(Network::Testnet),
            "stagenet" => Ok(Network::Stagenet),
            _ => Err(AddressError::UnknownNetwork),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AddressKind {
    Standard,
    Integrated,
    Subaddress,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    #[error("address contains characters outside Monero's base58 alphabet")]
    InvalidCharacter,
    #[error("address has the wrong length")]
    WrongLength,
    #[error("address has an unknown prefix")]
    UnknownPrefix,
    #[error("address checksum does not match (a typo?)")]
    BadChecksum,
    #[error("address is for {found}, but this platform runs on {expected}")]
    WrongNetwork {
        expected: &'static str,
        found: &'static str,
    },
    #[error("unknown network name")]
    UnknownNetwork,
}

/// A syntactically valid Monero address with its network and kind.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MoneroAddress {
    text: String,
    network: Network,
    kind: AddressKind,
}

impl MoneroAddress {
    /// Parses any network's address.
    pub fn parse_any(s: &str) -> Result<Self, AddressError> {
        let text = s.trim();
        let bytes = base58_decode(text)?;
        let (prefix, prefix_len) = read_varint(&bytes).ok_or(AddressError::UnknownPrefix)?;
        let (network, kind) = match prefix {
            18 => (Network::Mainnet, AddressKind::Standard),
            19 => (Network::Mainnet, AddressKind::Integrated),
            42 => (Network::Mainnet, AddressKind::Subaddress),
            53 => (Network::Testnet, AddressKind::Standard),
            54 => (Network::Testnet, AddressKind::Integrated),
            63 => (Network::Testnet, AddressKind::Subaddress),
            24 => (Network::Stagenet, AddressKind::Standard),
            25 => (Network::Stagenet, AddressKind::Integrated),
            36 => (Network::Stagenet, AddressKind::Subaddress),
            _ => return Err(AddressError::UnknownPrefix),
        };
        let body = 64
            + if kind == AddressKind::Integrated {
                8
            } else {
                0
            };
        if bytes.len() != prefix_len + body + 4 {
            return Err(AddressError::WrongLength);
        }
        let (payload, checksum) = bytes.split_at(bytes.len() - 4);
        let mut hash = [0u8; 32];
        let mut keccak = Keccak::v256();
        keccak.update(payload);
        keccak.finalize(&mut hash);
        if hash[..4] != *checksum {
            return Err(AddressError::BadChecksum);
        }
        Ok(Self {
            text: text.to_owned(),
            network,
            kind,
        })
    }

    /// Parses an address and requires it to be for `network`.
    pub fn parse(s: &str, network: Network) -> Result<Self, AddressError> {
        let address = Self::parse_any(s)?;
        if address.network != network {
            return Err(AddressError::WrongNetwork {
                expected: network.as_str(),
                found: address.network.as_str(),
            });
        }
        Ok(address)
    }

    pub fn network(&self) -> Network {
        self.network
    }

    pub fn kind(&self) -> AddressKind {
        self.kind
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for MoneroAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

fn read_varint(bytes: &[u8]) -> Option<(u64, usize)> {
    let mut value = 0u64;
    for (i, b) in bytes.iter().enumerate().take(9) {
        value |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return Some((value, i + 1));
        }
    }
    None
}

fn base58_decode(s: &str) -> Result<Vec<u8>, AddressError> {
    let chars = s.as_bytes();
    if chars.is_empty() {
        return Err(AddressError::WrongLength);
    }
    let full_blocks = chars.len() / FULL_ENCODED_BLOCK;
    let last = chars.len() % FULL_ENCODED_BLOCK;
    let last_bytes = ENCODED_BLOCK_SIZES
        .iter()
        .position(|&n| n == last)
        .ok_or(AddressError::WrongLength)?;
    let mut out = Vec::with_capacity(full_blocks * FULL_BLOCK + last_bytes);
    for block in chars.chunks(FULL_ENCODED_BLOCK) {
        let size = if block.len() == FULL_ENCODED_BLOCK {
            FULL_BLOCK
        } else {
            last_bytes
        };
        decode_block(block, size, &mut out)?;
    }
    Ok(out)
}

fn decode_block(block: &[u8], size: usize, out: &mut Vec<u8>) -> Result<(), AddressError> {
    let mut value: u128 = 0;
    for c in block {
        let digit = ALPHABET
            .iter()
            .position(|a| a == c)
            .ok_or(AddressError::InvalidCharacter)?;
        value = value * 58 + digit as u128;
    }
    // The block must fit its byte size (an 11-character block can overflow 8 bytes).
    if size < 16 && value >> (8 * size) != 0 {
        return Err(AddressError::WrongLength);
    }
    let bytes = value.to_be_bytes();
    out.extend_from_slice(bytes.get(16 - size..).ok_or(AddressError::WrongLength)?);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    // Fixtures from shared/monero-regtest.md §7 (real addresses, throwaway keys).
    const MAIN_STD: &str = "45MtP6Jy2o93QdedfWzn1uSkJdwCfdYM8PEtKTSiyMnQXDbe5cswnCEHVdQaQq5Wg8BeqSi2j5mpGQXRJXWfFEYFMghfY9U";
    const MAIN_STD_H: &str = "43T6GCM2htQB1KZryPusEY6oJeegZA1c1NNTadey91uV7Cmn2Gp5hzKAgFnx2gunXe9SSTmt6khqLbQUXpZqYJ7vBrLmB6v";
    const MAIN_SUB: &str = "8Bg48afbw4r9Bq7oqX9yYeLv4sQhUBpXTUBpcjxTnvTWdd5NBs5A44nZhbP2GuPy6XCEPApFCU9f6FJcnuNjemdyHScKsdV";
    const MAIN_SUB_H2: &str = "8Brz1wP3qrTgVMtWs3JfWqhmUe1G8Vt2DESF3XznweBRMPUJnQZqk2bDMRTnYKXnSkgvrPRitD6aABKG3vJUTcBxJcXxsBX";
    const MAIN_INT: &str = "4F4ZPu8Te4f3QdedfWzn1uSkJdwCfdYM8PEtKTSiyMnQXDbe5cswnCEHVdQaQq5Wg8BeqSi2j5mpGQXRJXWfFEYFXcNbbJZyeWgTzaojtp";
    const MAIN_BAD: &str = "45MtP6Jy2o93QdedfWzn1uSkJdwCfdYM8PEtKTSiyMnQXDbe5cswnCEHVdQaQq5Wg8BeqSi2j5mpGQXRJXWfFEYFMghfY9X";
    const TEST_STD: &str = "9vuRsLyEKAF3QdedfWzn1uSkJdwCfdYM8PEtKTSiyMnQXDbe5cswnCEHVdQaQq5Wg8BeqSi2j5mpGQXRJXWfFEYFMiWrweK";
    const TEST_SUB: &str = "BhQBRXrxhgi9Bq7oqX9yYeLv4sQhUBpXTUBpcjxTnvTWdd5NBs5A44nZhbP2GuPy6XCEPApFCU9f6FJcnuNjemdyHNso4P6";
    const TEST_INT: &str = "A42MsTdPGsU7PTHGkBKVjuRMcazrH7VR5CsuSXJx9nDsURk3xhK1WqC8nbbkMu2vStTpC5NdqUFDUYWPQKR487Z6ddcp6N3jY9JU2sGrXQ";
    const STAGE_STD: &str = "55ZvTwDvgQF3QdedfWzn1uSkJdwCfdYM8PEtKTSiyMnQXDbe5cswnCEHVdQaQq5Wg8BeqSi2j5mpGQXRJXWfFEYFMeeiLvH";
    const STAGE_SUB: &str = "7BU23jkeHTk9Bq7oqX9yYeLv4sQhUBpXTUBpcjxTnvTWdd5NBs5A44nZhbP2GuPy6XCEPApFCU9f6FJcnuNjemdyHRSZBSD";
    const STAGE_INT: &str = "5M8TysCriV5aDVZWUfDucc8DiDikVYFs94DCZX4v8bB748SLna29XsNbqAfkc3jUdZDYmsRH636DvYqc2S6v7Z3hANKApnaLRXzU1j4x4S";

    #[test]
    fn every_network_and_kind_is_recognised() {
        use AddressKind::*;
        use Network::*;
        for (a, net, kind) in [
            (MAIN_STD, Mainnet, Standard),
            (MAIN_STD_H, Mainnet, Standard),
            (MAIN_SUB, Mainnet, Subaddress),
            (MAIN_SUB_H2, Mainnet, Subaddress),
            (MAIN_INT, Mainnet, Integrated),
            (TEST_STD, Testnet, Standard),
            (TEST_SUB, Testnet, Subaddress),
            (TEST_INT, Testnet, Integrated),
            (STAGE_STD, Stagenet, Standard),
            (STAGE_SUB, Stagenet, Subaddress),
            (STAGE_INT, Stagenet, Integrated),
        ] {
            let parsed = MoneroAddress::parse_any(a).unwrap_or_else(|e| panic!("{a}: {e}"));
            assert_eq!((parsed.network(), parsed.kind()), (net, kind), "{a}");
            assert!(MoneroAddress::parse(a, net).is_ok());
        }
    }

    #[test]
    fn a_changed_character_fails_the_checksum() {
        assert_eq!(
            MoneroAddress::parse_any(MAIN_BAD),
            Err(AddressError::BadChecksum)
        );
    }

    #[test]
    fn wrong_length_and_alphabet_are_refused() {
        assert_eq!(
            MoneroAddress::parse_any(&MAIN_STD[..94]),
            Err(AddressError::WrongLength)
        );
        assert_eq!(
            MoneroAddress::parse_any(&MAIN_STD[..93]),
            Err(AddressError::WrongLength)
        );
        assert_eq!(
            MoneroAddress::parse_any(&format!("{MAIN_STD}1")),
            Err(AddressError::WrongLength)
        );
        assert_eq!(MoneroAddress::parse_any(""), Err(AddressError::WrongLength));
        let zero = MAIN_STD.replacen('M', "0", 1);
        assert_eq!(
            MoneroAddress::parse_any(&zero),
            Err(AddressError::InvalidCharacter)
        );
        let with_l = MAIN_STD.replacen('M', "l", 1);
        assert_eq!(
            MoneroAddress::parse_any(&with_l),
            Err(AddressError::InvalidCharacter)
        );
        // An integrated address cut to a standard length has a valid base58 shape but not a valid body.
        assert!(MoneroAddress::parse_any(&MAIN_INT[..95]).is_err());
        assert!(
            MoneroAddress::parse_any("zzzzzzzzzzz").is_err(),
            "an 11-char block above 2^64"
        );
    }

    #[test]
    fn the_wrong_network_is_named() {
        assert_eq!(
            MoneroAddress::parse(TEST_STD, Network::Mainnet),
            Err(AddressError::WrongNetwork {
                expected: "mainnet",
                found: "testnet"
            })
        );
        assert_eq!(
            MoneroAddress::parse(MAIN_SUB, Network::Stagenet),
            Err(AddressError::WrongNetwork {
                expected: "stagenet",
                found: "mainnet"
            })
        );
        assert_eq!("regtest".parse::<Network>(), Ok(Network::Mainnet));
    }
}
