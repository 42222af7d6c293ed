//! Channel commands (NetFn App 06h): Get Channel Info (IPMI v2.0 §22.24)
//! and Get Channel Cipher Suites (IPMI v2.0 §22.15) with the cipher suite
//! record format (Table 22-18) and the standard suite table (Table 22-19).

use super::{bit, flag, skip_rest, Command, CURRENT_CHANNEL};
use crate::codec::{Codec, DecodeError, Reader, Writer};
use crate::types::{
    AuthAlgorithm, ConfidentialityAlgorithm, IntegrityAlgorithm, NetFn, PayloadType, PrivilegeLevel,
};

// ---------------------------------------------------------------------------
// Get Channel Info
// ---------------------------------------------------------------------------

/// Get Channel Info (NetFn App 06h, command 42h; IPMI v2.0 §22.24).
///
/// Request byte 1 `[3:0]`: channel number (Eh = this channel). Minimum
/// privilege: User. FreeIPMI `bmc-info` asks for every channel 0h–Bh.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GetChannelInfo {
    /// Channel number, 4 bits.
    pub channel: u8,
}

impl GetChannelInfo {
    /// Info for the channel the request arrives on (Eh).
    pub fn current() -> Self {
        Self {
            channel: CURRENT_CHANNEL,
        }
    }
}

impl Codec for GetChannelInfo {
    fn encode(&self, w: &mut Writer) {
        w.u8(self.channel & 0x0f);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            channel: r.u8("channel number")? & 0x0f,
        })
    }
}

impl Command for GetChannelInfo {
    const NETFN: NetFn = NetFn::App;
    const CMD: u8 = 0x42;
    type Response = ChannelInfo;
    const PRIVILEGE: PrivilegeLevel = PrivilegeLevel::User;
}

crate::open_enum! {
    /// Channel medium type, 7 bits (IPMI v2.0 §6.5, Table 6-3).
    pub enum ChannelMedium {
        /// IPMB (I2C) (1).
        Ipmb = 0x01,
        /// ICMB v1.0 (2).
        IcmbV10 = 0x02,
        /// ICMB v0.9 (3).
        IcmbV09 = 0x03,
        /// 802.3 LAN (4).
        Lan8023 = 0x04,
        /// Asynchronous serial/modem, RS-232 (5).
        Serial = 0x05,
        /// Other LAN (6).
        OtherLan = 0x06,
        /// PCI SMBus (7).
        PciSmbus = 0x07,
        /// SMBus v1.0/1.1 (8).
        SmbusV1 = 0x08,
        /// SMBus v2.0 (9).
        SmbusV2 = 0x09,
        /// USB 1.x (Ah).
        Usb1 = 0x0a,
        /// USB 2.x (Bh).
        Usb2 = 0x0b,
        /// System interface: KCS, SMIC or BT (Ch).
        SystemInterface = 0x0c,
    }
}

impl ChannelMedium {
    /// The medium's name as FreeIPMI `bmc-info` prints it ("802.3 LAN",
    /// "IPMB (I2C)", …; "OEM" for 60h–7Fh, "reserved" otherwise).
    pub fn name(self) -> &'static str {
        match self {
            Self::Ipmb => "IPMB (I2C)",
            Self::IcmbV10 => "ICMB v1.0",
            Self::IcmbV09 => "ICMB v0.9",
            Self::Lan8023 => "802.3 LAN",
            Self::Serial => "Asynch. Serial/Modem (RS-232)",
            Self::OtherLan => "Other LAN",
            Self::PciSmbus => "PCI SMBus",
            Self::SmbusV1 => "SMBus v1.0/1.1",
            Self::SmbusV2 => "SMBus v2.0",
            Self::Usb1 => "USB 1.x",
            Self::Usb2 => "USB 2.x",
            Self::SystemInterface => "System Interface (KCS, SMIC, or BT)",
            Self::Unknown(0x60..=0x7f) => "OEM",
            Self::Unknown(_) => "reserved",
        }
    }
}

crate::open_enum! {
    /// Channel messaging protocol type, 5 bits (IPMI v2.0 §6.4, Table 6-2).
    pub enum ChannelProtocol {
        /// IPMB-1.0, also used for LAN and serial Basic Mode (1).
        Ipmb = 0x01,
        /// ICMB-1.0 (2).
        Icmb = 0x02,
        /// IPMI on SMBus 1.x–2.x (4).
        IpmiSmbus = 0x04,
        /// KCS system interface (5).
        Kcs = 0x05,
        /// SMIC system interface (6).
        Smic = 0x06,
        /// BT system interface, IPMI v1.0 (7).
        Bt10 = 0x07,
        /// BT system interface, IPMI v1.5 (8).
        Bt15 = 0x08,
        /// Terminal Mode (9).
        TMode = 0x09,
    }
}

impl ChannelProtocol {
    /// The protocol's name as FreeIPMI `bmc-info` prints it ("IPMB-1.0",
    /// …; "OEM" for 1Ch–1Fh, "Reserved" otherwise).
    pub fn name(self) -> &'static str {
        match self {
            Self::Ipmb => "IPMB-1.0",
            Self::Icmb => "ICMB-1.0",
            Self::IpmiSmbus => "IPMI-SMBus",
            Self::Kcs => "KCS",
            Self::Smic => "SMIC",
            Self::Bt10 => "BT-10",
            Self::Bt15 => "BT-15",
            Self::TMode => "TMODE",
            Self::Unknown(0x1c..=0x1f) => "OEM",
            Self::Unknown(_) => "Reserved",
        }
    }
}

/// Session support of a channel (Get Channel Info response byte 4,
/// bits `[7:6]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SessionSupport {
    /// 00b: session-less.
    SessionLess,
    /// 01b: single-session.
    SingleSession,
    /// 10b: multi-session.
    MultiSession,
    /// 11b: session-based (alternates between single and multi).
    SessionBased,
}

impl SessionSupport {
    fn from_bits(b: u8) -> Self {
        match b & 0x03 {
            0 => Self::SessionLess,
            1 => Self::SingleSession,
            2 => Self::MultiSession,
            _ => Self::SessionBased,
        }
    }

    fn bits(self) -> u8 {
        match self {
            Self::SessionLess => 0,
            Self::SingleSession => 1,
            Self::MultiSession => 2,
            Self::SessionBased => 3,
        }
    }

    /// The name as FreeIPMI `bmc-info` and ipmitool print it.
    pub fn name(self) -> &'static str {
        match self {
            Self::SessionLess => "session-less",
            Self::SingleSession => "single-session",
            Self::MultiSession => "multi-session",
            Self::SessionBased => "session-based",
        }
    }
}

/// Get Channel Info response data (IPMI v2.0 §22.24).
///
/// ```text
///  byte  field
///  1     [3:0] actual channel number
///  2     [6:0] channel medium type (Table 6-3)
///  3     [4:0] channel protocol type (Table 6-2)
///  4     [7:6] session support  [5:0] number of active sessions
///  5:7   protocol vendor ID (IANA, LS byte first; 7154 = IPMI forum)
///  8:9   auxiliary channel info (system interface: SMS and event
///        message buffer interrupt types; OEM channels: OEM data)
/// ```
///
/// Missing auxiliary bytes decode as zero; bytes after them are ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ChannelInfo {
    /// Actual channel number, 4 bits.
    pub channel: u8,
    /// Medium type, 7 bits.
    pub medium: ChannelMedium,
    /// Protocol type, 5 bits.
    pub protocol: ChannelProtocol,
    /// Session support.
    pub session_support: SessionSupport,
    /// Sessions activated on the channel, 6 bits.
    pub active_sessions: u8,
    /// Protocol vendor IANA number, 24 bits.
    pub vendor_id: u32,
    /// Auxiliary channel info.
    pub aux: [u8; 2],
}

impl ChannelInfo {
    /// The IPMI forum's IANA enterprise number, the vendor ID of every
    /// standard channel protocol.
    pub const IPMI_FORUM_IANA: u32 = 7154;
}

impl Codec for ChannelInfo {
    fn encode(&self, w: &mut Writer) {
        w.u8(self.channel & 0x0f)
            .u8(u8::from(self.medium) & 0x7f)
            .u8(u8::from(self.protocol) & 0x1f)
            .u8((self.session_support.bits() << 6) | (self.active_sessions & 0x3f))
            .u24_le(self.vendor_id)
            .bytes(&self.aux);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let channel = r.u8("channel number")? & 0x0f;
        let medium = ChannelMedium::from(r.u8("channel medium type")? & 0x7f);
        let protocol = ChannelProtocol::from(r.u8("channel protocol type")? & 0x1f);
        let sessions = r.u8("session support")?;
        let vendor_id = r.u24_le("vendor ID")?;
        let mut aux = [0u8; 2];
        for (slot, b) in aux.iter_mut().zip(r.take_up_to(2)) {
            *slot = *b;
        }
        skip_rest(r);
        Ok(Self {
            channel,
            medium,
            protocol,
            session_support: SessionSupport::from_bits(sessions >> 6),
            active_sessions: sessions & 0x3f,
            vendor_id,
            aux,
        })
    }
}

// ---------------------------------------------------------------------------
// Get Channel Cipher Suites
// ---------------------------------------------------------------------------

/// Get Channel Cipher Suites (NetFn App 06h, command 54h; IPMI v2.0
/// §22.15).
///
/// ```text
///  byte  field
///  1     [3:0] channel number (Eh = this channel)
///  2     [5:0] payload type (00h = IPMI)
///  3     [7] 1b = list by cipher suite, 0b = list supported algorithms
///        [5:0] list index (00h–3Fh)
/// ```
///
/// Allowed outside a session. Each response carries up to 16 bytes of the
/// record list; request index 0, 1, … until a response has fewer than 16
/// bytes, concatenate, and parse with [`parse_cipher_suite_records`].
/// Some BMCs ignore this command or advertise suites that then fail, so
/// treat the result as a hint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GetChannelCipherSuites {
    /// Channel number, 4 bits.
    pub channel: u8,
    /// Payload type, 6 bits.
    pub payload_type: PayloadType,
    /// Which 16-byte chunk of the list, 0–63.
    pub list_index: u8,
    /// List cipher suite records (byte 3 bit 7) rather than bare algorithms.
    pub list_by_suite: bool,
}

impl GetChannelCipherSuites {
    /// Chunk `list_index` of this channel's cipher suite records for IPMI
    /// payloads.
    pub fn new(list_index: u8) -> Self {
        Self {
            channel: CURRENT_CHANNEL,
            payload_type: PayloadType::Ipmi,
            list_index,
            list_by_suite: true,
        }
    }
}

impl Codec for GetChannelCipherSuites {
    fn encode(&self, w: &mut Writer) {
        w.u8(self.channel & 0x0f)
            .u8(u8::from(self.payload_type) & 0x3f)
            .u8(flag(self.list_by_suite, 7) | (self.list_index & 0x3f));
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let channel = r.u8("channel number")? & 0x0f;
        let payload_type = PayloadType::from(r.u8("payload type")? & 0x3f);
        let b3 = r.u8("list index")?;
        Ok(Self {
            channel,
            payload_type,
            list_index: b3 & 0x3f,
            list_by_suite: bit(b3, 7),
        })
    }
}

impl Command for GetChannelCipherSuites {
    const NETFN: NetFn = NetFn::App;
    const CMD: u8 = 0x54;
    type Response = ChannelCipherSuites;
    const PRIVILEGE: PrivilegeLevel = PrivilegeLevel::Callback;
    const OUTSIDE_SESSION: bool = true;
}

/// Get Channel Cipher Suites response data (IPMI v2.0 §22.15): the channel
/// number, then one chunk (at most 16 bytes) of the record list.
///
/// Decoding keeps every byte after the channel, even past 16.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ChannelCipherSuites {
    /// Channel number.
    pub channel: u8,
    /// This chunk of the record data.
    pub data: Vec<u8>,
}

impl ChannelCipherSuites {
    /// Bytes of record data in a full chunk.
    pub const CHUNK: usize = 16;

    /// `true` when this is the last chunk (fewer than 16 bytes).
    pub fn is_last(&self) -> bool {
        self.data.len() < Self::CHUNK
    }

    /// BMC side: chunk `list_index` of the encoded record list `all`
    /// (empty past the end).
    pub fn chunk(channel: u8, all: &[u8], list_index: u8) -> Self {
        let data = all
            .chunks(Self::CHUNK)
            .nth(usize::from(list_index))
            .unwrap_or(&[])
            .to_vec();
        Self { channel, data }
    }
}

impl Codec for ChannelCipherSuites {
    fn encode(&self, w: &mut Writer) {
        w.u8(self.channel).bytes(&self.data);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            channel: r.u8("channel number")?,
            data: r.rest().to_vec(),
        })
    }
}

/// One cipher suite record (IPMI v2.0 §22.15, Table 22-18).
///
/// ```text
///  C0h, suite ID, algorithms...                  standard suite
///  C1h, suite ID, IANA (3, LS byte first), algorithms...   OEM suite
///  algorithm byte: [7:6] tag 00b authentication, 01b integrity,
///                  10b confidentiality; [5:0] algorithm number
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CipherSuiteRecord {
    /// Cipher suite ID.
    pub suite_id: u8,
    /// OEM IANA number (24 bits) for OEM (C1h) records.
    pub oem_iana: Option<u32>,
    /// Authentication (RAKP) algorithm.
    pub auth: AuthAlgorithm,
    /// Integrity algorithm.
    pub integrity: IntegrityAlgorithm,
    /// Confidentiality algorithm.
    pub confidentiality: ConfidentialityAlgorithm,
}

/// Start byte of a standard cipher suite record.
const STANDARD_RECORD: u8 = 0xc0;
/// Start byte of an OEM cipher suite record.
const OEM_RECORD: u8 = 0xc1;

fn is_record_start(b: u8) -> bool {
    b == STANDARD_RECORD || b == OEM_RECORD
}

/// Parses the concatenated record data of all Get Channel Cipher Suites
/// chunks into records (IPMI v2.0 Table 22-18).
///
/// Tolerant of the deviations seen in the field:
/// * bytes before the first C0h/C1h start byte are skipped;
/// * a record runs until the next start byte; within it the first
///   authentication, integrity and confidentiality byte (by tag) count, and
///   further or 11b-tagged bytes are ignored;
/// * a record whose three algorithm bytes carry wrong tags (reported for
///   some Sun ILOM firmware) is read by position: authentication,
///   integrity, confidentiality;
/// * records still missing an algorithm, and a record cut off at the end,
///   are dropped.
///
/// # Errors
/// [`DecodeError::InvalidField`] when `bytes` is not empty but holds no
/// record start byte at all (e.g. the data of a "list supported
/// algorithms" request).
pub fn parse_cipher_suite_records(bytes: &[u8]) -> Result<Vec<CipherSuiteRecord>, DecodeError> {
    let Some(start) = bytes.iter().position(|b| is_record_start(*b)) else {
        return match bytes.first() {
            None => Ok(Vec::new()),
            Some(first) => Err(DecodeError::InvalidField {
                what: "cipher suite record start",
                value: u32::from(*first),
            }),
        };
    };
    let mut r = Reader::new(bytes.get(start..).unwrap_or(&[]));
    let mut records = Vec::new();
    while let Ok(kind) = r.u8("record start") {
        let Ok(suite_id) = r.u8("cipher suite ID") else {
            break;
        };
        let oem_iana = if kind == OEM_RECORD {
            match r.u24_le("OEM IANA") {
                Ok(iana) => Some(iana),
                Err(_) => break,
            }
        } else {
            None
        };
        // Algorithm bytes: everything up to the next start byte.
        let rest = r.peek_rest();
        let len = rest
            .iter()
            .position(|b| is_record_start(*b))
            .unwrap_or(rest.len());
        let algs = r.take_up_to(len);
        if let Some((auth, integrity, confidentiality)) = record_algorithms(algs) {
            records.push(CipherSuiteRecord {
                suite_id,
                oem_iana,
                auth,
                integrity,
                confidentiality,
            });
        }
    }
    Ok(records)
}

/// The three algorithms of one record, by tag or (fallback) by position.
fn record_algorithms(
    algs: &[u8],
) -> Option<(AuthAlgorithm, IntegrityAlgorithm, ConfidentialityAlgorithm)> {
    let (mut auth, mut integ, mut conf) = (None, None, None);
    for b in algs {
        let number = b & 0x3f;
        match b >> 6 {
            0 => auth = auth.or(Some(number)),
            1 => integ = integ.or(Some(number)),
            2 => conf = conf.or(Some(number)),
            _ => {}
        }
    }
    let tagged = auth.zip(integ).zip(conf).map(|((a, i), c)| (a, i, c));
    let (a, i, c) = match (tagged, algs) {
        (Some(t), _) => t,
        (None, [a, i, c]) => (a & 0x3f, i & 0x3f, c & 0x3f),
        (None, _) => return None,
    };
    Some((
        AuthAlgorithm::from(a),
        IntegrityAlgorithm::from(i),
        ConfidentialityAlgorithm::from(c),
    ))
}

/// BMC side: encodes records as the Get Channel Cipher Suites record list
/// (the inverse of [`parse_cipher_suite_records`]); split it with
/// [`ChannelCipherSuites::chunk`].
pub fn encode_cipher_suite_records(records: &[CipherSuiteRecord]) -> Vec<u8> {
    let mut w = Writer::new();
    for rec in records {
        match rec.oem_iana {
            Some(iana) => w.u8(OEM_RECORD).u8(rec.suite_id).u24_le(iana),
            None => w.u8(STANDARD_RECORD).u8(rec.suite_id),
        };
        w.u8(u8::from(rec.auth) & 0x3f)
            .u8(0x40 | (u8::from(rec.integrity) & 0x3f))
            .u8(0x80 | (u8::from(rec.confidentiality) & 0x3f));
    }
    w.into_vec()
}

/// The standard cipher suites 0–19 (IPMI v2.0 §22.15.2, Table 22-19; 15–19
/// are the SHA-256 suites added by errata, suite 17 confirmed by DCMI 1.1).
pub fn standard_cipher_suite(suite_id: u8) -> Option<CipherSuiteRecord> {
    use AuthAlgorithm as A;
    use ConfidentialityAlgorithm as C;
    use IntegrityAlgorithm as I;
    let (auth, integrity, confidentiality) = match suite_id {
        0 => (A::None, I::None, C::None),
        1 => (A::HmacSha1, I::None, C::None),
        2 => (A::HmacSha1, I::HmacSha1_96, C::None),
        3 => (A::HmacSha1, I::HmacSha1_96, C::AesCbc128),
        4 => (A::HmacSha1, I::HmacSha1_96, C::Xrc4_128),
        5 => (A::HmacSha1, I::HmacSha1_96, C::Xrc4_40),
        6 => (A::HmacMd5, I::None, C::None),
        7 => (A::HmacMd5, I::HmacMd5_128, C::None),
        8 => (A::HmacMd5, I::HmacMd5_128, C::AesCbc128),
        9 => (A::HmacMd5, I::HmacMd5_128, C::Xrc4_128),
        10 => (A::HmacMd5, I::HmacMd5_128, C::Xrc4_40),
        11 => (A::HmacMd5, I::Md5_128, C::None),
        12 => (A::HmacMd5, I::Md5_128, C::AesCbc128),
        13 => (A::HmacMd5, I::Md5_128, C::Xrc4_128),
        14 => (A::HmacMd5, I::Md5_128, C::Xrc4_40),
        15 => (A::HmacSha256, I::None, C::None),
        16 => (A::HmacSha256, I::HmacSha256_128, C::None),
        17 => (A::HmacSha256, I::HmacSha256_128, C::AesCbc128),
        18 => (A::HmacSha256, I::HmacSha256_128, C::Xrc4_128),
        19 => (A::HmacSha256, I::HmacSha256_128, C::Xrc4_40),
        _ => return None,
    };
    Some(CipherSuiteRecord {
        suite_id,
        oem_iana: None,
        auth,
        integrity,
        confidentiality,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::test_util::{decode_any, golden, hex, round_trip};
    use proptest::prelude::*;

    #[test]
    fn channel_info_request() {
        golden("01", &GetChannelInfo { channel: 1 });
        golden("0e", &GetChannelInfo::current());
        assert!(GetChannelInfo::from_bytes(&[]).is_err());
        assert_eq!(GetChannelInfo::CMD, 0x42);
    }

    /// Channel 1 of the simulator (ipmitool-channel-info-1.txt and
    /// freeipmi-bmc-info.txt): 802.3 LAN, IPMB-1.0, multi-session, one
    /// active session, vendor 7154.
    #[test]
    fn channel_info_golden_sim_lan() {
        let info = ChannelInfo {
            channel: 1,
            medium: ChannelMedium::Lan8023,
            protocol: ChannelProtocol::Ipmb,
            session_support: SessionSupport::MultiSession,
            active_sessions: 1,
            vendor_id: ChannelInfo::IPMI_FORUM_IANA,
            aux: [0, 0],
        };
        golden("01 04 01 81 f2 1b 00 00 00", &info);
        assert_eq!(info.medium.name(), "802.3 LAN");
        assert_eq!(info.protocol.name(), "IPMB-1.0");
        assert_eq!(info.session_support.name(), "multi-session");
        // Channel 0: IPMB, session-less.
        let ipmb = ChannelInfo::from_bytes(&hex("00 01 01 00 f2 1b 00 00 00")).unwrap();
        assert_eq!(ipmb.medium.name(), "IPMB (I2C)");
        assert_eq!(ipmb.session_support.name(), "session-less");
        // Aux missing, extra bytes, reserved bits.
        assert_eq!(
            ChannelInfo::from_bytes(&hex("f1 84 e1 81 f2 1b 00")),
            Ok(info)
        );
        assert_eq!(
            ChannelInfo::from_bytes(&hex("01 04 01 81 f2 1b 00 00 00 ff")),
            Ok(info)
        );
        assert!(ChannelInfo::from_bytes(&hex("01 04 01 81 f2 1b")).is_err());
    }

    #[test]
    fn channel_names() {
        assert_eq!(ChannelMedium::from(0x60).name(), "OEM");
        assert_eq!(ChannelMedium::from(0x0d).name(), "reserved");
        assert_eq!(
            ChannelMedium::SystemInterface.name(),
            "System Interface (KCS, SMIC, or BT)"
        );
        assert_eq!(ChannelProtocol::from(0x1c).name(), "OEM");
        assert_eq!(ChannelProtocol::from(0x03).name(), "Reserved");
        assert_eq!(SessionSupport::SessionBased.name(), "session-based");
    }

    #[test]
    fn cipher_suites_request() {
        // ipmitool channel getciphers ipmi: "0e 00 80" ... "0e 00 83".
        golden("0e 00 80", &GetChannelCipherSuites::new(0));
        golden("0e 00 83", &GetChannelCipherSuites::new(3));
        golden(
            "01 01 05",
            &GetChannelCipherSuites {
                channel: 1,
                payload_type: PayloadType::Sol,
                list_index: 5,
                list_by_suite: false,
            },
        );
        const { assert!(GetChannelCipherSuites::OUTSIDE_SESSION) };
        assert!(GetChannelCipherSuites::from_bytes(&hex("0e 00")).is_err());
    }

    /// The simulator's suites 0–11 (ipmitool-channel-getciphers.txt).
    fn sim_suites() -> Vec<CipherSuiteRecord> {
        (0..=11)
            .map(|id| standard_cipher_suite(id).unwrap())
            .collect()
    }

    const SIM_RECORDS: &str = "c0 00 00 40 80  c0 01 01 40 80  c0 02 01 41 80  c0 03 01 41 81
                               c0 04 01 41 82  c0 05 01 41 83  c0 06 02 40 80  c0 07 02 42 80
                               c0 08 02 42 81  c0 09 02 42 82  c0 0a 02 42 83  c0 0b 02 43 80";

    #[test]
    fn cipher_suite_records_golden() {
        let bytes = hex(SIM_RECORDS);
        assert_eq!(parse_cipher_suite_records(&bytes).unwrap(), sim_suites());
        assert_eq!(encode_cipher_suite_records(&sim_suites()), bytes);

        // The BMC answers in 16-byte chunks; records straddle chunks.
        let chunks: Vec<ChannelCipherSuites> = (0..5)
            .map(|i| ChannelCipherSuites::chunk(1, &bytes, i))
            .collect();
        assert_eq!(chunks[0].data.len(), 16);
        assert!(!chunks[2].is_last());
        assert_eq!(chunks[3].data.len(), 12);
        assert!(chunks[3].is_last());
        assert!(chunks[4].data.is_empty());
        golden(
            "01 c0 00 00 40 80 c0 01 01 40 80 c0 02 01 41 80 c0",
            &chunks[0],
        );
        let joined: Vec<u8> = chunks.iter().flat_map(|c| c.data.clone()).collect();
        assert_eq!(parse_cipher_suite_records(&joined).unwrap(), sim_suites());
    }

    #[test]
    fn cipher_suite_records_oem_and_garbage() {
        let oem = CipherSuiteRecord {
            suite_id: 0x80,
            oem_iana: Some(10876),
            auth: AuthAlgorithm::HmacSha256,
            integrity: IntegrityAlgorithm::HmacSha256_128,
            confidentiality: ConfidentialityAlgorithm::AesCbc128,
        };
        let s17 = standard_cipher_suite(17).unwrap();
        let bytes = hex("c1 80 7c 2a 00 03 44 81  c0 11 03 44 81");
        assert_eq!(encode_cipher_suite_records(&[oem, s17]), bytes);
        assert_eq!(parse_cipher_suite_records(&bytes).unwrap(), vec![oem, s17]);

        // Leading junk, a suite ID equal to a start byte, duplicate and
        // 11b-tagged algorithm bytes, a record without confidentiality, a
        // truncated record at the end.
        let messy = hex("ff 00 c0 c1 01 41 42 f0 80 c0 02 01 41 c1 05 7c");
        assert_eq!(
            parse_cipher_suite_records(&messy).unwrap(),
            vec![CipherSuiteRecord {
                suite_id: 0xc1,
                oem_iana: None,
                auth: AuthAlgorithm::HmacSha1,
                integrity: IntegrityAlgorithm::HmacSha1_96,
                confidentiality: ConfidentialityAlgorithm::None,
            }]
        );
        // Wrong tags on all three algorithm bytes: read by position.
        assert_eq!(
            parse_cipher_suite_records(&hex("c0 03 01 01 01")).unwrap(),
            vec![standard_cipher_suite(3).unwrap()]
        );
        assert_eq!(parse_cipher_suite_records(&[]), Ok(vec![]));
        assert!(matches!(
            parse_cipher_suite_records(&hex("01 41 81")),
            Err(DecodeError::InvalidField { value: 0x01, .. })
        ));
        assert_eq!(parse_cipher_suite_records(&hex("c0")), Ok(vec![]));
        assert_eq!(parse_cipher_suite_records(&hex("c1 03 7c 2a")), Ok(vec![]));
    }

    #[test]
    fn standard_suites() {
        let s3 = standard_cipher_suite(3).unwrap();
        assert_eq!(s3.auth, AuthAlgorithm::HmacSha1);
        assert_eq!(s3.integrity, IntegrityAlgorithm::HmacSha1_96);
        assert_eq!(s3.confidentiality, ConfidentialityAlgorithm::AesCbc128);
        assert_eq!(standard_cipher_suite(20), None);
        for id in 0..=19 {
            assert_eq!(standard_cipher_suite(id).unwrap().suite_id, id);
        }
    }

    fn medium() -> impl Strategy<Value = ChannelMedium> {
        (0u8..0x80).prop_map(ChannelMedium::from)
    }

    fn protocol() -> impl Strategy<Value = ChannelProtocol> {
        (0u8..0x20).prop_map(ChannelProtocol::from)
    }

    fn session_support() -> impl Strategy<Value = SessionSupport> {
        (0u8..4).prop_map(SessionSupport::from_bits)
    }

    prop_compose! {
        fn channel_info()(
            channel in 0u8..16, medium in medium(), protocol in protocol(),
            session_support in session_support(), active_sessions in 0u8..64,
            vendor_id in 0u32..0x0100_0000, aux in any::<[u8; 2]>(),
        ) -> ChannelInfo {
            ChannelInfo { channel, medium, protocol, session_support, active_sessions, vendor_id, aux }
        }
    }

    prop_compose! {
        fn record()(
            suite_id in any::<u8>(), oem_iana in proptest::option::of(0u32..0x0100_0000),
            a in 0u8..64, i in 0u8..64, c in 0u8..64,
        ) -> CipherSuiteRecord {
            CipherSuiteRecord {
                suite_id, oem_iana,
                auth: AuthAlgorithm::from(a),
                integrity: IntegrityAlgorithm::from(i),
                confidentiality: ConfidentialityAlgorithm::from(c),
            }
        }
    }

    proptest! {
        #[test]
        fn channel_info_round_trip(channel in 0u8..16, info in channel_info()) {
            round_trip(&GetChannelInfo { channel });
            round_trip(&info);
        }

        #[test]
        fn cipher_suites_round_trip(
            channel in 0u8..16, payload in 0u8..64, list_index in 0u8..64, by_suite in any::<bool>(),
            rsp_channel in any::<u8>(), data in proptest::collection::vec(any::<u8>(), 0..=16),
        ) {
            round_trip(&GetChannelCipherSuites {
                channel, payload_type: PayloadType::from(payload), list_index, list_by_suite: by_suite,
            });
            round_trip(&ChannelCipherSuites { channel: rsp_channel, data });
        }

        #[test]
        fn records_round_trip(records in proptest::collection::vec(record(), 0..20)) {
            let bytes = encode_cipher_suite_records(&records);
            prop_assert_eq!(parse_cipher_suite_records(&bytes).unwrap(), records.clone());
            // Chunked and re-joined: identical.
            let joined: Vec<u8> = (0..=63u8)
                .map(|i| ChannelCipherSuites::chunk(1, &bytes, i))
                .take_while(|c| !c.data.is_empty())
                .flat_map(|c| c.data)
                .collect();
            prop_assert_eq!(joined, bytes);
        }

        #[test]
        fn decoders_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            decode_any::<GetChannelInfo>(&bytes);
            decode_any::<ChannelInfo>(&bytes);
            decode_any::<GetChannelCipherSuites>(&bytes);
            decode_any::<ChannelCipherSuites>(&bytes);
            let _ = parse_cipher_suite_records(&bytes);
            if let Ok(info) = ChannelInfo::from_bytes(&bytes) {
                let _ = (info.medium.name(), info.protocol.name(), info.session_support.name());
            }
        }

        #[test]
        fn record_bytes_never_panic(bytes in proptest::collection::vec(
            prop_oneof![Just(0xc0u8), Just(0xc1u8), any::<u8>()], 0..64)
        ) {
            let _ = parse_cipher_suite_records(&bytes);
        }
    }
}
