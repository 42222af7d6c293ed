//! FRU inventory device commands (NetFn Storage 0Ah): Get FRU Inventory
//! Area Info (10h, IPMI v2.0 §34.1) and Read FRU Data (11h, §34.2).
//!
//! The bytes these commands move are parsed by [`crate::fru`]; the
//! multi-request read (partial reads, shrinking the chunk when the BMC
//! refuses its size) is `ops::fru` (feature `tokio`).

use super::{bit, flag, skip_rest, Command};
use crate::codec::{Codec, DecodeError, Reader, Writer};
use crate::types::{NetFn, PrivilegeLevel};

/// FRU device ID 0: the BMC's built-in FRU device (IPMI v2.0 §34; other
/// IDs come from FRU Device Locator records, §43.8).
pub const BUILTIN_FRU_DEVICE: u8 = 0;

/// Get FRU Inventory Area Info (NetFn Storage 0Ah, command 10h; IPMI v2.0
/// §34.1, Table 34-2).
///
/// ```text
///  byte  field
///  1     FRU device ID (FFh reserved)
/// ```
///
/// Minimum privilege: User. A missing device answers CBh ("not present")
/// on most BMCs, C9h or CCh on others.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct GetFruInventoryAreaInfo {
    /// FRU device ID.
    pub device_id: u8,
}

impl Codec for GetFruInventoryAreaInfo {
    fn encode(&self, w: &mut Writer) {
        w.u8(self.device_id);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            device_id: r.u8("FRU device ID")?,
        })
    }
}

impl Command for GetFruInventoryAreaInfo {
    const NETFN: NetFn = NetFn::Storage;
    const CMD: u8 = 0x10;
    type Response = FruInventoryAreaInfo;
    const PRIVILEGE: PrivilegeLevel = PrivilegeLevel::User;
}

/// Get FRU Inventory Area Info response data (IPMI v2.0 §34.1, Table
/// 34-2).
///
/// ```text
///  byte  field
///  1:2   FRU inventory area size in bytes, LS byte first
///  3     [7:1] reserved  [0] 0b = device accessed by bytes, 1b = by words
/// ```
///
/// A missing access byte decodes as byte access; extra bytes are ignored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct FruInventoryAreaInfo {
    /// Area size in bytes.
    pub size: u16,
    /// The device is accessed by 16-bit words: Read FRU Data offsets and
    /// counts are then in words.
    pub word_access: bool,
}

impl Codec for FruInventoryAreaInfo {
    fn encode(&self, w: &mut Writer) {
        w.u16_le(self.size).u8(flag(self.word_access, 0));
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let size = r.u16_le("FRU inventory area size")?;
        let access = r.take_up_to(1).first().copied().unwrap_or(0);
        skip_rest(r);
        Ok(Self {
            size,
            word_access: bit(access, 0),
        })
    }
}

/// Read FRU Data (NetFn Storage 0Ah, command 11h; IPMI v2.0 §34.2, Table
/// 34-3).
///
/// ```text
///  byte  field
///  1     FRU device ID
///  2:3   FRU inventory offset to read, LS byte first (in bytes, or in
///        words for word-access devices)
///  4     count to read (1-based; bytes or words)
/// ```
///
/// Minimum privilege: User. Completion codes: 81h "FRU device busy";
/// C7h, C8h or CAh when the count is larger than the BMC can return in one
/// response (shrink it and retry); C9h for an offset past the end.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct ReadFruData {
    /// FRU device ID.
    pub device_id: u8,
    /// Offset (bytes or words, per the device's access type).
    pub offset: u16,
    /// Count to read (bytes or words).
    pub count: u8,
}

impl Codec for ReadFruData {
    fn encode(&self, w: &mut Writer) {
        w.u8(self.device_id).u16_le(self.offset).u8(self.count);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            device_id: r.u8("FRU device ID")?,
            offset: r.u16_le("FRU inventory offset")?,
            count: r.u8("count to read")?,
        })
    }
}

impl Command for ReadFruData {
    const NETFN: NetFn = NetFn::Storage;
    const CMD: u8 = 0x11;
    type Response = FruData;
    const PRIVILEGE: PrivilegeLevel = PrivilegeLevel::User;
}

/// Read FRU Data response data (IPMI v2.0 §34.2, Table 34-3).
///
/// ```text
///  byte  field
///  1     count returned (1-based; bytes, or words for word-access devices)
///  2:N   requested data
/// ```
///
/// The data is kept as sent; [`FruData::bytes`] applies the count.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct FruData {
    /// Count returned (bytes or words).
    pub count: u8,
    /// The data bytes that followed the count.
    pub data: Vec<u8>,
}

impl FruData {
    /// A byte-access response carrying `data` (at most 255 bytes are kept).
    pub fn from_bytes_read(data: &[u8]) -> Self {
        let data: Vec<u8> = data.iter().copied().take(255).collect();
        Self {
            count: u8::try_from(data.len()).unwrap_or(u8::MAX),
            data,
        }
    }

    /// The data bytes the count covers: `count` bytes (`2 × count` for
    /// word access), or fewer when the BMC sent fewer.
    pub fn bytes(&self, word_access: bool) -> &[u8] {
        let n = if word_access {
            usize::from(self.count).saturating_mul(2)
        } else {
            usize::from(self.count)
        };
        self.data.get(..n).unwrap_or(&self.data)
    }
}

impl Codec for FruData {
    fn encode(&self, w: &mut Writer) {
        w.u8(self.count).bytes(&self.data);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            count: r.u8("count returned")?,
            data: r.rest().to_vec(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::test_util::{decode_any, golden, hex, round_trip};
    use proptest::prelude::*;

    #[test]
    fn area_info() {
        assert_eq!(
            (GetFruInventoryAreaInfo::NETFN, GetFruInventoryAreaInfo::CMD),
            (NetFn::Storage, 0x10)
        );
        golden("00", &GetFruInventoryAreaInfo { device_id: 0 });
        assert!(GetFruInventoryAreaInfo::from_bytes(&[]).is_err());
        // ipmi_sim (tests/sim) FRU 0: 512 bytes, byte access; FRU 1: 128.
        golden(
            "00 02 00",
            &FruInventoryAreaInfo {
                size: 512,
                word_access: false,
            },
        );
        golden(
            "80 00 00",
            &FruInventoryAreaInfo {
                size: 128,
                word_access: false,
            },
        );
        let w = FruInventoryAreaInfo::from_bytes(&hex("00 01 ff 07")).unwrap();
        assert!(w.word_access);
        assert_eq!(w.size, 256);
        // No access byte: byte access.
        assert_eq!(
            FruInventoryAreaInfo::from_bytes(&hex("10 00")).unwrap(),
            FruInventoryAreaInfo {
                size: 16,
                word_access: false
            }
        );
        assert!(FruInventoryAreaInfo::from_bytes(&hex("10")).is_err());
    }

    #[test]
    fn read_fru_data() {
        assert_eq!(
            (ReadFruData::NETFN, ReadFruData::CMD),
            (NetFn::Storage, 0x11)
        );
        golden(
            "01 70 00 20",
            &ReadFruData {
                device_id: 1,
                offset: 0x70,
                count: 32,
            },
        );
        assert!(ReadFruData::from_bytes(&hex("01 70 00")).is_err());
        assert!(ReadFruData::from_bytes(&hex("01 70 00 20 00")).is_err());
        // ipmi_sim FRU 1 at offset 70h, 32 asked: 16 returned.
        let d = FruData::from_bytes(&hex("10 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"))
            .unwrap();
        assert_eq!(d.count, 16);
        assert_eq!(d.bytes(false).len(), 16);
        golden("03 01 02 03", &FruData::from_bytes_read(&[1, 2, 3]));
        // Count larger than the data: all data; smaller: cut.
        let d = FruData::from_bytes(&hex("05 01 02")).unwrap();
        assert_eq!(d.bytes(false), [1, 2]);
        let d = FruData::from_bytes(&hex("01 01 02 03")).unwrap();
        assert_eq!(d.bytes(false), [1]);
        assert_eq!(d.bytes(true), [1, 2]);
        assert!(FruData::from_bytes(&[]).is_err());
        assert_eq!(FruData::from_bytes_read(&[0; 300]).count, 255);
    }

    proptest! {
        #[test]
        fn round_trips(device_id in any::<u8>(), offset in any::<u16>(), count in any::<u8>(),
                       size in any::<u16>(), word_access in any::<bool>(),
                       data in proptest::collection::vec(any::<u8>(), 0..64)) {
            round_trip(&GetFruInventoryAreaInfo { device_id });
            round_trip(&ReadFruData { device_id, offset, count });
            round_trip(&FruInventoryAreaInfo { size, word_access });
            round_trip(&FruData { count, data });
        }

        #[test]
        fn decoders_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
            decode_any::<GetFruInventoryAreaInfo>(&bytes);
            decode_any::<FruInventoryAreaInfo>(&bytes);
            decode_any::<ReadFruData>(&bytes);
            if let Ok(d) = FruData::from_bytes(&bytes) {
                let _ = (d.bytes(false), d.bytes(true));
            }
        }
    }
}
