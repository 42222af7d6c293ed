//! Session sequence numbers: the outbound counter, the inbound replay window
//! and the 6-bit rqSeq (IPMI v2.0 §6.12.13–§6.12.15, §13.8 for rqSeq).

/// The inbound session-sequence window (IPMI v2.0 §6.12.13 / §6.12.14).
///
/// A packet is accepted if its number is up to `ahead` past the highest seen
/// (which then moves) or up to `behind` (≤ 32) before it and not seen yet.
/// Duplicates and anything further away are rejected. The first number
/// accepted sets the window. Zero is never valid in an active session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeqWindow {
    ahead: u32,
    behind: u32,
    highest: Option<u32>,
    /// Bit `i` set: `highest - 1 - i` has been seen.
    seen: u32,
}

impl SeqWindow {
    /// The IPMI 1.5 window: 8 ahead, 8 behind (IPMI v2.0 §6.12.14).
    pub fn ipmi15() -> Self {
        Self::new(8, 8)
    }

    /// The RMCP+ window: 15 ahead, 16 behind (IPMI v2.0 §6.12.13).
    pub fn rmcp_plus() -> Self {
        Self::new(15, 16)
    }

    /// A window with the given reach; both are capped at 32.
    pub fn new(ahead: u32, behind: u32) -> Self {
        Self {
            ahead: ahead.min(32),
            behind: behind.min(32),
            highest: None,
            seen: 0,
        }
    }

    /// Checks `seq` without recording it.
    pub fn would_accept(&self, seq: u32) -> bool {
        if seq == 0 {
            return false;
        }
        let Some(high) = self.highest else {
            return true;
        };
        let fwd = seq.wrapping_sub(high);
        if fwd != 0 && fwd <= self.ahead {
            return true;
        }
        let back = high.wrapping_sub(seq);
        back != 0 && back <= self.behind && self.seen & (1u32 << (back - 1)) == 0
    }

    /// Accepts and records `seq`; `false` for a duplicate or out-of-window number.
    pub fn accept(&mut self, seq: u32) -> bool {
        if !self.would_accept(seq) {
            return false;
        }
        match self.highest {
            None => {
                self.highest = Some(seq);
                self.seen = 0;
            }
            Some(high) => {
                let fwd = seq.wrapping_sub(high);
                if fwd != 0 && fwd <= self.ahead {
                    // Shift: the old highest becomes "1 behind".
                    self.seen = self.seen.checked_shl(fwd).unwrap_or(0) | (1u32 << (fwd - 1));
                    self.highest = Some(seq);
                } else {
                    let back = high.wrapping_sub(seq);
                    self.seen |= 1u32 << (back - 1);
                }
            }
        }
        true
    }
}

/// The outbound session sequence counter: starts at a given value,
/// increments per packet (retransmits included) and skips 0 on wrap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutboundSeq(u32);

impl OutboundSeq {
    /// A counter whose first [`advance`](Self::advance) returns `first` (or 1 if `first` is 0).
    pub fn starting_at(first: u32) -> Self {
        Self(first.wrapping_sub(1))
    }

    /// The number for the next packet.
    pub fn advance(&mut self) -> u32 {
        self.0 = self.0.wrapping_add(1);
        if self.0 == 0 {
            self.0 = 1;
        }
        self.0
    }
}

/// The 6-bit request sequence number (rqSeq) allocator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RqSeq(u8);

impl RqSeq {
    /// Starts at `start & 0x3f` (a random start avoids matching late replies
    /// meant for an earlier session on the same socket).
    pub fn new(start: u8) -> Self {
        Self(start & 0x3f)
    }

    /// The rqSeq for a new request (a retransmit reuses the previous one).
    pub fn advance(&mut self) -> u8 {
        self.0 = (self.0 + 1) & 0x3f;
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn window_basics() {
        let mut w = SeqWindow::rmcp_plus();
        assert!(!w.accept(0));
        assert!(w.accept(10));
        assert!(!w.accept(10), "duplicate");
        assert!(w.accept(12));
        assert!(w.accept(11), "late but in window");
        assert!(!w.accept(11), "late duplicate");
        assert!(w.accept(27), "15 ahead");
        assert!(!w.accept(43), "16 ahead");
        assert!(!w.accept(11 + 16), "already seen 27");
        assert!(!w.accept(10), "17 behind");
        assert!(w.accept(12 + 1), "13 is 14 behind 27, unseen");
    }

    #[test]
    fn window_wraps() {
        let mut w = SeqWindow::ipmi15();
        assert!(w.accept(u32::MAX - 1));
        assert!(w.accept(u32::MAX));
        assert!(w.accept(2), "wraps past 0 (3 ahead)");
        assert!(!w.accept(u32::MAX), "duplicate across the wrap");
        assert!(w.accept(1));
    }

    #[test]
    fn outbound_skips_zero() {
        let mut o = OutboundSeq::starting_at(u32::MAX);
        assert_eq!(o.advance(), u32::MAX);
        assert_eq!(o.advance(), 1);
        let mut o = OutboundSeq::starting_at(0);
        assert_eq!(o.advance(), 1);
    }

    #[test]
    fn rqseq_wraps_at_64() {
        let mut r = RqSeq::new(62);
        assert_eq!(r.advance(), 63);
        assert_eq!(r.advance(), 0);
    }

    proptest! {
        #[test]
        fn window_never_accepts_twice(start in 1u32.., steps in proptest::collection::vec(-20i64..20, 1..100)) {
            let mut w = SeqWindow::rmcp_plus();
            let mut accepted = std::collections::HashSet::new();
            w.accept(start);
            accepted.insert(start);
            let mut cur = i64::from(start);
            for s in steps {
                cur += s;
                let seq = (cur as u64 & 0xffff_ffff) as u32;
                if w.accept(seq) {
                    prop_assert!(accepted.insert(seq), "accepted {} twice", seq);
                }
            }
        }
    }
}
