//! A compact binary form of the events and the derived history, for the derived-history cache
//! beside a store (the binary keeps the file; see docs/ARCHITECTURE.md#the-derived-history-cache).
//!
//! Not a contract: the form changes with the code, so whoever keeps it stamps it with the build
//! that wrote it. Everything is little-endian and length-prefixed. Reading never trusts a
//! length: a count larger than the bytes left is an error before anything is allocated, so a
//! truncated or damaged input is a `DecodeError`, never a panic or a huge allocation.

mod model;

pub use model::{read_events, write_events};

use crate::model::Timestamp;

/// Why bytes could not be read back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the derived history cannot be read back: {0}")]
pub struct DecodeError(pub String);

impl DecodeError {
    pub fn new(what: impl Into<String>) -> DecodeError {
        DecodeError(what.into())
    }
}

/// Appends values to a buffer.
#[derive(Debug, Default)]
pub struct Writer {
    pub buf: Vec<u8>,
}

impl Writer {
    pub fn with_capacity(capacity: usize) -> Writer {
        Writer {
            buf: Vec::with_capacity(capacity),
        }
    }

    pub fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }

    pub fn bool(&mut self, v: bool) {
        self.buf.push(u8::from(v));
    }

    pub fn u32(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    pub fn i32(&mut self, v: i32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    pub fn u64(&mut self, v: u64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    pub fn i64(&mut self, v: i64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    /// A count of what follows.
    pub fn count(&mut self, n: usize) {
        self.u64(n as u64);
    }

    pub fn str(&mut self, s: &str) {
        self.count(s.len());
        self.buf.extend_from_slice(s.as_bytes());
    }

    pub fn opt_str(&mut self, s: Option<&str>) {
        match s {
            Some(s) => {
                self.u8(1);
                self.str(s);
            }
            None => self.u8(0),
        }
    }

    pub fn opt_u64(&mut self, v: Option<u64>) {
        match v {
            Some(v) => {
                self.u8(1);
                self.u64(v);
            }
            None => self.u8(0),
        }
    }

    /// Seconds and nanoseconds: exact for every instant the model can hold.
    pub fn ts(&mut self, t: Timestamp) {
        self.i64(t.timestamp());
        self.u32(t.timestamp_subsec_nanos());
    }

    pub fn opt_ts(&mut self, t: Option<Timestamp>) {
        match t {
            Some(t) => {
                self.u8(1);
                self.ts(t);
            }
            None => self.u8(0),
        }
    }

    pub fn u32s(&mut self, v: &[u32]) {
        self.count(v.len());
        for &x in v {
            self.u32(x);
        }
    }

    pub fn i64s(&mut self, v: &[i64]) {
        self.count(v.len());
        for &x in v {
            self.i64(x);
        }
    }

    pub fn strs(&mut self, v: &[String]) {
        self.count(v.len());
        for s in v {
            self.str(s);
        }
    }
}

/// Reads values back in the order they were written.
#[derive(Debug)]
pub struct Reader<'b> {
    bytes: &'b [u8],
    at: usize,
}

impl<'b> Reader<'b> {
    pub fn new(bytes: &'b [u8]) -> Reader<'b> {
        Reader { bytes, at: 0 }
    }

    /// Whether every byte was read (a decoder checks it at the end: trailing bytes mean the
    /// input is not what was written).
    pub fn is_done(&self) -> bool {
        self.at == self.bytes.len()
    }

    fn take(&mut self, n: usize) -> Result<&'b [u8], DecodeError> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&end| end <= self.bytes.len())
            .ok_or_else(|| DecodeError::new("it ends early"))?;
        let out = &self.bytes[self.at..end];
        self.at = end;
        Ok(out)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    pub fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.array::<1>()?[0])
    }

    pub fn bool(&mut self) -> Result<bool, DecodeError> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            other => Err(DecodeError::new(format!("{other} is not a boolean"))),
        }
    }

    pub fn u32(&mut self) -> Result<u32, DecodeError> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    pub fn i32(&mut self) -> Result<i32, DecodeError> {
        Ok(i32::from_le_bytes(self.array()?))
    }

    pub fn u64(&mut self) -> Result<u64, DecodeError> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    pub fn i64(&mut self) -> Result<i64, DecodeError> {
        Ok(i64::from_le_bytes(self.array()?))
    }

    /// A count of items of at least `min_size` bytes each: refused when the bytes left cannot
    /// hold that many, so nothing is allocated for a count a damaged input made up.
    pub fn count(&mut self, min_size: usize) -> Result<usize, DecodeError> {
        let n = self.u64()?;
        let left = (self.bytes.len() - self.at) as u64;
        if n.saturating_mul(min_size.max(1) as u64) > left {
            return Err(DecodeError::new(format!(
                "a count of {n} does not fit in the {left} bytes left"
            )));
        }
        Ok(n as usize)
    }

    pub fn str(&mut self) -> Result<String, DecodeError> {
        let n = self.count(1)?;
        let bytes = self.take(n)?;
        std::str::from_utf8(bytes)
            .map(str::to_owned)
            .map_err(|e| DecodeError::new(format!("a text is not UTF-8: {e}")))
    }

    fn flag(&mut self) -> Result<bool, DecodeError> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            other => Err(DecodeError::new(format!("{other} is not an option tag"))),
        }
    }

    pub fn opt_str(&mut self) -> Result<Option<String>, DecodeError> {
        if self.flag()? {
            self.str().map(Some)
        } else {
            Ok(None)
        }
    }

    pub fn opt_u64(&mut self) -> Result<Option<u64>, DecodeError> {
        if self.flag()? {
            self.u64().map(Some)
        } else {
            Ok(None)
        }
    }

    pub fn ts(&mut self) -> Result<Timestamp, DecodeError> {
        let secs = self.i64()?;
        let nanos = self.u32()?;
        chrono::DateTime::from_timestamp(secs, nanos)
            .ok_or_else(|| DecodeError::new(format!("{secs}.{nanos:09} is not a time")))
    }

    pub fn opt_ts(&mut self) -> Result<Option<Timestamp>, DecodeError> {
        if self.flag()? {
            self.ts().map(Some)
        } else {
            Ok(None)
        }
    }

    pub fn u32s(&mut self) -> Result<Vec<u32>, DecodeError> {
        let n = self.count(4)?;
        (0..n).map(|_| self.u32()).collect()
    }

    pub fn i64s(&mut self) -> Result<Vec<i64>, DecodeError> {
        let n = self.count(8)?;
        (0..n).map(|_| self.i64()).collect()
    }

    pub fn strs(&mut self) -> Result<Vec<String>, DecodeError> {
        let n = self.count(8)?;
        (0..n).map(|_| self.str()).collect()
    }

    /// `n` items read by `item`, each at least `min_size` bytes.
    pub fn vec<T>(
        &mut self,
        min_size: usize,
        mut item: impl FnMut(&mut Reader<'b>) -> Result<T, DecodeError>,
    ) -> Result<Vec<T>, DecodeError> {
        let n = self.count(min_size)?;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            out.push(item(self)?);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests;
