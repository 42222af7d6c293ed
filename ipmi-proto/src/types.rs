//! Protocol number spaces as open enums.
//!
//! Every value the spec leaves reserved, unassigned or OEM decodes to an
//! `Unknown(u8)` variant and encodes back to the same byte, so decoding never
//! fails on a number and `from(u8)` / `u8::from` round-trip for all 256 values.

/// Declares an open enum over `u8` with named variants and `Unknown(u8)`.
///
/// `From<u8>` maps named values to their variant and everything else to
/// `Unknown`; `From<Self> for u8` is its inverse. Constructing
/// `Unknown(v)` with a named `v` is allowed and normalises on the next
/// decode.
#[macro_export]
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $value:expr, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value without a name here (reserved, OEM or newer than this crate).
            Unknown(u8),
        }

        impl From<u8> for $name {
            fn from(v: u8) -> Self {
                match v {
                    $( x if x == $value => Self::$variant, )*
                    other => Self::Unknown(other),
                }
            }
        }

        impl From<$name> for u8 {
            fn from(v: $name) -> u8 {
                match v {
                    $( $name::$variant => $value, )*
                    $name::Unknown(other) => other,
                }
            }
        }
    };
}

open_enum! {
    /// Network function codes of requests (IPMI v2.0 §5.1, Table 5-1).
    ///
    /// A response carries the request's code plus one; use
    /// [`NetFn::response`] to build it.
    pub enum NetFn {
        /// Chassis (00h).
        Chassis = 0x00,
        /// Chassis response (01h).
        ChassisResponse = 0x01,
        /// Bridge (02h).
        Bridge = 0x02,
        /// Bridge response (03h).
        BridgeResponse = 0x03,
        /// Sensor/Event (04h).
        SensorEvent = 0x04,
        /// Sensor/Event response (05h).
        SensorEventResponse = 0x05,
        /// Application (06h).
        App = 0x06,
        /// Application response (07h).
        AppResponse = 0x07,
        /// Firmware (08h).
        Firmware = 0x08,
        /// Firmware response (09h).
        FirmwareResponse = 0x09,
        /// Storage (0Ah).
        Storage = 0x0a,
        /// Storage response (0Bh).
        StorageResponse = 0x0b,
        /// Transport (0Ch).
        Transport = 0x0c,
        /// Transport response (0Dh).
        TransportResponse = 0x0d,
        /// Group extension, e.g. DCMI with group ID DCh (2Ch).
        GroupExtension = 0x2c,
        /// Group extension response (2Dh).
        GroupExtensionResponse = 0x2d,
        /// OEM/Group, IANA first (2Eh).
        OemGroup = 0x2e,
        /// OEM/Group response (2Fh).
        OemGroupResponse = 0x2f,
    }
}

impl NetFn {
    /// The response NetFn for this request NetFn (request + 1; 6-bit space).
    pub fn response(self) -> Self {
        Self::from((u8::from(self) | 1) & 0x3f)
    }

    /// `true` for response codes (odd values).
    pub fn is_response(self) -> bool {
        u8::from(self) & 1 == 1
    }
}

open_enum! {
    /// Completion codes (IPMI v2.0 §5.2, Table 5-2).
    pub enum CompletionCode {
        /// Command completed normally (00h).
        Ok = 0x00,
        /// Node busy (C0h).
        NodeBusy = 0xc0,
        /// Invalid or unsupported command (C1h).
        InvalidCommand = 0xc1,
        /// Command invalid for the given LUN (C2h).
        InvalidForLun = 0xc2,
        /// Timeout while processing (C3h).
        Timeout = 0xc3,
        /// Out of space (C4h).
        OutOfSpace = 0xc4,
        /// Reservation cancelled or invalid (C5h).
        ReservationCancelled = 0xc5,
        /// Request data truncated (C6h).
        RequestTruncated = 0xc6,
        /// Request data length invalid (C7h).
        RequestLengthInvalid = 0xc7,
        /// Request data field length limit exceeded (C8h).
        RequestLengthLimitExceeded = 0xc8,
        /// Parameter out of range (C9h).
        ParameterOutOfRange = 0xc9,
        /// Cannot return the number of requested bytes (CAh).
        CannotReturnRequestedBytes = 0xca,
        /// Requested sensor, data or record not present (CBh).
        NotPresent = 0xcb,
        /// Invalid data field in request (CCh).
        InvalidDataField = 0xcc,
        /// Command illegal for the sensor or record type (CDh).
        IllegalForType = 0xcd,
        /// Response could not be provided (CEh).
        CannotRespond = 0xce,
        /// Cannot execute a duplicated request (CFh).
        DuplicateRequest = 0xcf,
        /// SDR repository in update mode (D0h).
        SdrUpdateMode = 0xd0,
        /// Device in firmware update mode (D1h).
        FirmwareUpdateMode = 0xd1,
        /// BMC initialization in progress (D2h).
        InitializationInProgress = 0xd2,
        /// Destination unavailable (D3h).
        DestinationUnavailable = 0xd3,
        /// Insufficient privilege level (D4h).
        InsufficientPrivilege = 0xd4,
        /// Not supported in the present state (D5h).
        NotSupportedInPresentState = 0xd5,
        /// Unspecified error (FFh).
        Unspecified = 0xff,
    }
}

impl CompletionCode {
    /// `true` for 00h.
    pub fn is_ok(self) -> bool {
        self == Self::Ok
    }

    /// A short description, as in the spec's Table 5-2.
    pub fn description(self) -> &'static str {
        match self {
            Self::Ok => "command completed normally",
            Self::NodeBusy => "node busy",
            Self::InvalidCommand => "invalid or unsupported command",
            Self::InvalidForLun => "command invalid for given LUN",
            Self::Timeout => "timeout while processing command",
            Self::OutOfSpace => "out of space",
            Self::ReservationCancelled => "reservation cancelled or invalid",
            Self::RequestTruncated => "request data truncated",
            Self::RequestLengthInvalid => "request data length invalid",
            Self::RequestLengthLimitExceeded => "request data field length limit exceeded",
            Self::ParameterOutOfRange => "parameter out of range",
            Self::CannotReturnRequestedBytes => "cannot return number of requested data bytes",
            Self::NotPresent => "requested sensor, data, or record not present",
            Self::InvalidDataField => "invalid data field in request",
            Self::IllegalForType => "command illegal for specified sensor or record type",
            Self::CannotRespond => "command response could not be provided",
            Self::DuplicateRequest => "cannot execute duplicated request",
            Self::SdrUpdateMode => "SDR repository in update mode",
            Self::FirmwareUpdateMode => "device in firmware update mode",
            Self::InitializationInProgress => "BMC initialization in progress",
            Self::DestinationUnavailable => "destination unavailable",
            Self::InsufficientPrivilege => "insufficient privilege level",
            Self::NotSupportedInPresentState => "command not supported in present state",
            Self::Unspecified => "unspecified error",
            Self::Unknown(v) if (0x80..=0xbe).contains(&v) => "command-specific error",
            Self::Unknown(v) if (0x01..=0x7e).contains(&v) => "device-specific (OEM) error",
            Self::Unknown(_) => "reserved completion code",
        }
    }
}

impl std::fmt::Display for CompletionCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:#04x} ({})", u8::from(*self), self.description())
    }
}

open_enum! {
    /// Session privilege levels (IPMI v2.0 §6.8, Table 6-5 / §22.13).
    pub enum PrivilegeLevel {
        /// "Highest level matching the proposed algorithms" in Open Session (0h).
        Highest = 0x00,
        /// Callback (1h).
        Callback = 0x01,
        /// User (2h).
        User = 0x02,
        /// Operator (3h).
        Operator = 0x03,
        /// Administrator (4h).
        Administrator = 0x04,
        /// OEM proprietary (5h).
        Oem = 0x05,
    }
}

impl PrivilegeLevel {
    /// The level's name as ipmitool and FreeIPMI print it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Highest => "HIGHEST",
            Self::Callback => "CALLBACK",
            Self::User => "USER",
            Self::Operator => "OPERATOR",
            Self::Administrator => "ADMINISTRATOR",
            Self::Oem => "OEM",
            Self::Unknown(_) => "UNKNOWN",
        }
    }

    /// Ordering rank (Callback < User < Operator < Administrator < OEM).
    pub fn rank(self) -> u8 {
        u8::from(self) & 0x0f
    }

    /// `true` when this level is at least `other`.
    pub fn at_least(self, other: Self) -> bool {
        self.rank() >= other.rank()
    }
}

impl std::fmt::Display for PrivilegeLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

open_enum! {
    /// IPMI 1.5 session authentication types (IPMI v2.0 §13.6, Table 13-8),
    /// plus the RMCP+ format marker 06h.
    pub enum AuthType {
        /// No authentication (00h).
        None = 0x00,
        /// MD2 (01h).
        Md2 = 0x01,
        /// MD5 (02h).
        Md5 = 0x02,
        /// Straight password / key (04h).
        Password = 0x04,
        /// OEM proprietary (05h).
        Oem = 0x05,
        /// RMCP+ (IPMI v2.0) session format (06h).
        RmcpPlus = 0x06,
    }
}

open_enum! {
    /// RMCP+ authentication (RAKP) algorithms (IPMI v2.0 §13.28, Table 13-17).
    pub enum AuthAlgorithm {
        /// RAKP-none (00h).
        None = 0x00,
        /// RAKP-HMAC-SHA1 (01h).
        HmacSha1 = 0x01,
        /// RAKP-HMAC-MD5 (02h).
        HmacMd5 = 0x02,
        /// RAKP-HMAC-SHA256 (03h).
        HmacSha256 = 0x03,
    }
}

open_enum! {
    /// RMCP+ integrity algorithms (IPMI v2.0 §13.28.4, Table 13-18).
    pub enum IntegrityAlgorithm {
        /// None (00h).
        None = 0x00,
        /// HMAC-SHA1-96 (01h).
        HmacSha1_96 = 0x01,
        /// HMAC-MD5-128 (02h).
        HmacMd5_128 = 0x02,
        /// MD5-128 (03h).
        Md5_128 = 0x03,
        /// HMAC-SHA256-128 (04h).
        HmacSha256_128 = 0x04,
    }
}

open_enum! {
    /// RMCP+ confidentiality algorithms (IPMI v2.0 §13.28.5, Table 13-19).
    pub enum ConfidentialityAlgorithm {
        /// None (00h).
        None = 0x00,
        /// AES-CBC-128 (01h).
        AesCbc128 = 0x01,
        /// xRC4-128 (02h), not supported.
        Xrc4_128 = 0x02,
        /// xRC4-40 (03h), not supported.
        Xrc4_40 = 0x03,
    }
}

open_enum! {
    /// RMCP+ payload types (IPMI v2.0 §13.27.3, Table 13-16), 6 bits.
    pub enum PayloadType {
        /// IPMI message (00h).
        Ipmi = 0x00,
        /// Serial over LAN (01h).
        Sol = 0x01,
        /// OEM explicit, with IANA and payload ID (02h).
        OemExplicit = 0x02,
        /// RMCP+ Open Session Request (10h).
        OpenSessionRequest = 0x10,
        /// RMCP+ Open Session Response (11h).
        OpenSessionResponse = 0x11,
        /// RAKP Message 1 (12h).
        Rakp1 = 0x12,
        /// RAKP Message 2 (13h).
        Rakp2 = 0x13,
        /// RAKP Message 3 (14h).
        Rakp3 = 0x14,
        /// RAKP Message 4 (15h).
        Rakp4 = 0x15,
    }
}

open_enum! {
    /// RMCP+ and RAKP message status codes (IPMI v2.0 §13.24, Table 13-15).
    pub enum RakpStatus {
        /// No errors (00h).
        Ok = 0x00,
        /// Insufficient resources to create a session (01h).
        InsufficientResources = 0x01,
        /// Invalid session ID (02h).
        InvalidSessionId = 0x02,
        /// Invalid payload type (03h).
        InvalidPayloadType = 0x03,
        /// Invalid authentication algorithm (04h).
        InvalidAuthAlgorithm = 0x04,
        /// Invalid integrity algorithm (05h).
        InvalidIntegrityAlgorithm = 0x05,
        /// No matching authentication payload (06h).
        NoMatchingAuthPayload = 0x06,
        /// No matching integrity payload (07h).
        NoMatchingIntegrityPayload = 0x07,
        /// Inactive session ID (08h).
        InactiveSessionId = 0x08,
        /// Invalid role (09h).
        InvalidRole = 0x09,
        /// Unauthorized role or privilege level requested (0Ah).
        UnauthorizedRole = 0x0a,
        /// Insufficient resources to create a session at the requested role (0Bh).
        InsufficientResourcesForRole = 0x0b,
        /// Invalid name length (0Ch).
        InvalidNameLength = 0x0c,
        /// Unauthorized name (0Dh).
        UnauthorizedName = 0x0d,
        /// Unauthorized GUID (0Eh).
        UnauthorizedGuid = 0x0e,
        /// Invalid integrity check value (0Fh).
        InvalidIntegrityCheckValue = 0x0f,
        /// Invalid confidentiality algorithm (10h).
        InvalidConfidentialityAlgorithm = 0x10,
        /// No cipher suite match with proposed security algorithms (11h).
        NoCipherSuiteMatch = 0x11,
        /// Illegal or unrecognized parameter (12h).
        IllegalParameter = 0x12,
    }
}

impl RakpStatus {
    /// The spec's description of the status.
    pub fn description(self) -> &'static str {
        match self {
            Self::Ok => "no errors",
            Self::InsufficientResources => "insufficient resources to create a session",
            Self::InvalidSessionId => "invalid session ID",
            Self::InvalidPayloadType => "invalid payload type",
            Self::InvalidAuthAlgorithm => "invalid authentication algorithm",
            Self::InvalidIntegrityAlgorithm => "invalid integrity algorithm",
            Self::NoMatchingAuthPayload => "no matching authentication payload",
            Self::NoMatchingIntegrityPayload => "no matching integrity payload",
            Self::InactiveSessionId => "inactive session ID",
            Self::InvalidRole => "invalid role",
            Self::UnauthorizedRole => "unauthorized role or privilege level requested",
            Self::InsufficientResourcesForRole => {
                "insufficient resources to create a session at the requested role"
            }
            Self::InvalidNameLength => "invalid name length",
            Self::UnauthorizedName => "unauthorized name",
            Self::UnauthorizedGuid => "unauthorized GUID",
            Self::InvalidIntegrityCheckValue => "invalid integrity check value",
            Self::InvalidConfidentialityAlgorithm => "invalid confidentiality algorithm",
            Self::NoCipherSuiteMatch => "no cipher suite match with proposed security algorithms",
            Self::IllegalParameter => "illegal or unrecognized parameter",
            Self::Unknown(_) => "unknown status",
        }
    }
}

impl std::fmt::Display for RakpStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:#04x} ({})", u8::from(*self), self.description())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_enums_round_trip_every_byte() {
        for v in 0..=255u8 {
            assert_eq!(u8::from(NetFn::from(v)), v);
            assert_eq!(u8::from(CompletionCode::from(v)), v);
            assert_eq!(u8::from(PrivilegeLevel::from(v)), v);
            assert_eq!(u8::from(AuthType::from(v)), v);
            assert_eq!(u8::from(AuthAlgorithm::from(v)), v);
            assert_eq!(u8::from(IntegrityAlgorithm::from(v)), v);
            assert_eq!(u8::from(ConfidentialityAlgorithm::from(v)), v);
            assert_eq!(u8::from(PayloadType::from(v)), v);
            assert_eq!(u8::from(RakpStatus::from(v)), v);
        }
    }

    #[test]
    fn named_values() {
        assert_eq!(NetFn::from(0x2c), NetFn::GroupExtension);
        assert_eq!(NetFn::App.response(), NetFn::AppResponse);
        assert_eq!(CompletionCode::from(0xcb), CompletionCode::NotPresent);
        assert_eq!(RakpStatus::from(0x0d), RakpStatus::UnauthorizedName);
        assert_eq!(PayloadType::from(0x3f), PayloadType::Unknown(0x3f));
        assert_eq!(
            CompletionCode::from(0x81).description(),
            "command-specific error"
        );
    }
}
