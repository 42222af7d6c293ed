//! Session management commands (NetFn App 06h): Get Channel Authentication
//! Capabilities, Get Session Challenge, Activate Session, Set Session
//! Privilege Level, Close Session and Get Session Info (IPMI v2.0 §22.13,
//! §22.16–§22.20).

use super::{bit, flag, skip_rest, Command, EmptyResponse, CURRENT_CHANNEL};
use crate::codec::{Codec, DecodeError, Reader, Writer};
use crate::types::{AuthType, NetFn, PrivilegeLevel};

/// The low nibble of a privilege byte (`[3:0]`; `[7:4]` reserved).
fn privilege(byte: u8) -> PrivilegeLevel {
    PrivilegeLevel::from(byte & 0x0f)
}

/// The low nibble of an authentication type byte (`[3:0]`; `[7:4]` reserved).
fn auth_type(byte: u8) -> AuthType {
    AuthType::from(byte & 0x0f)
}

fn nibble<T: Into<u8>>(v: T) -> u8 {
    v.into() & 0x0f
}

// ---------------------------------------------------------------------------
// Get Channel Authentication Capabilities
// ---------------------------------------------------------------------------

/// Get Channel Authentication Capabilities (NetFn App 06h, command 38h;
/// IPMI v2.0 §22.13).
///
/// ```text
///  byte  field
///  1     [7] 1b = get IPMI v2.0 extended data   [6:4] reserved
///        [3:0] channel number (Eh = this channel)
///  2     [3:0] requested maximum privilege level
/// ```
///
/// Sent outside a session (IPMI 1.5 framing, authentication type none); also
/// usable inside one as a keep-alive. Some IPMI 1.5 BMCs answer CCh when the
/// extended bit is set: retry without it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GetChannelAuthCapabilities {
    /// Channel number, 4 bits ([`CURRENT_CHANNEL`] = this channel).
    pub channel: u8,
    /// Ask for the IPMI v2.0 extended data (byte 1 bit 7).
    pub extended: bool,
    /// Requested maximum privilege level, 4 bits.
    pub max_privilege: PrivilegeLevel,
}

impl GetChannelAuthCapabilities {
    /// The usual request: this channel, with the v2.0 extended data.
    pub fn new(max_privilege: PrivilegeLevel) -> Self {
        Self {
            channel: CURRENT_CHANNEL,
            extended: true,
            max_privilege,
        }
    }
}

impl Codec for GetChannelAuthCapabilities {
    fn encode(&self, w: &mut Writer) {
        w.u8(flag(self.extended, 7) | (self.channel & 0x0f))
            .u8(nibble(self.max_privilege));
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let b1 = r.u8("channel number")?;
        let b2 = r.u8("requested maximum privilege level")?;
        Ok(Self {
            channel: b1 & 0x0f,
            extended: bit(b1, 7),
            max_privilege: privilege(b2),
        })
    }
}

impl Command for GetChannelAuthCapabilities {
    const NETFN: NetFn = NetFn::App;
    const CMD: u8 = 0x38;
    type Response = AuthCapabilities;
    const PRIVILEGE: PrivilegeLevel = PrivilegeLevel::Callback;
    const OUTSIDE_SESSION: bool = true;
}

/// The IPMI 1.5 authentication types a channel enables for the requested
/// privilege level (Get Channel Authentication Capabilities response byte
/// 2, bits `[5:0]`; 1b = supported).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct AuthTypeSupport(pub u8);

impl AuthTypeSupport {
    /// `[0]` none.
    pub fn none(self) -> bool {
        bit(self.0, 0)
    }
    /// `[1]` MD2.
    pub fn md2(self) -> bool {
        bit(self.0, 1)
    }
    /// `[2]` MD5.
    pub fn md5(self) -> bool {
        bit(self.0, 2)
    }
    /// `[4]` straight password / key.
    pub fn password(self) -> bool {
        bit(self.0, 4)
    }
    /// `[5]` OEM proprietary.
    pub fn oem(self) -> bool {
        bit(self.0, 5)
    }

    /// `true` when the given IPMI 1.5 authentication type is enabled
    /// (always `false` for RMCP+ and unknown types).
    pub fn supports(self, auth: AuthType) -> bool {
        match auth {
            AuthType::None => self.none(),
            AuthType::Md2 => self.md2(),
            AuthType::Md5 => self.md5(),
            AuthType::Password => self.password(),
            AuthType::Oem => self.oem(),
            _ => false,
        }
    }
}

/// Get Channel Authentication Capabilities response data (IPMI v2.0
/// §22.13).
///
/// ```text
///  byte  field
///  1     [3:0] channel number
///  2     [7] 1b = IPMI v2.0 extended capabilities present  [6] reserved
///        [5:0] authentication types (AuthTypeSupport)
///  3     [5] K_g is non-zero (v2.0)  [4] per-message auth disabled
///        [3] user-level auth disabled  [2] non-null usernames enabled
///        [1] null usernames enabled  [0] anonymous login enabled
///  4     [1] supports IPMI v2.0  [0] supports IPMI v1.5 (reserved, 00h, on
///        IPMI 1.5 BMCs)
///  5:7   OEM ID (IANA), LS byte first
///  8     OEM auxiliary data
/// ```
///
/// The OEM fields are decoded as zero when a BMC leaves them out; bytes
/// after them are ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AuthCapabilities {
    /// Channel the capabilities are for.
    pub channel: u8,
    /// Enabled IPMI 1.5 authentication types, bits `[5:0]` (see
    /// [`AuthCapabilities::auth_types`]).
    pub auth_type_support: u8,
    /// The IPMI v2.0 extended capabilities (byte 4) are valid.
    pub extended: bool,
    /// The BMC key K_g is set (non-zero).
    pub kg_nonzero: bool,
    /// Per-message authentication is disabled.
    pub per_message_auth_disabled: bool,
    /// User-level authentication is disabled.
    pub user_level_auth_disabled: bool,
    /// Non-null usernames are enabled.
    pub non_null_usernames: bool,
    /// A null username with a non-null password is enabled.
    pub null_usernames: bool,
    /// Anonymous login (null username and password) is enabled.
    pub anonymous_login: bool,
    /// The channel supports IPMI v1.5 sessions.
    pub supports_ipmi15: bool,
    /// The channel supports IPMI v2.0 (RMCP+) sessions.
    pub supports_ipmi20: bool,
    /// OEM IANA enterprise number (24 bits) for the OEM authentication type.
    pub oem_id: u32,
    /// OEM auxiliary data.
    pub oem_aux: u8,
}

impl AuthCapabilities {
    /// The enabled authentication types with named accessors.
    pub fn auth_types(&self) -> AuthTypeSupport {
        AuthTypeSupport(self.auth_type_support)
    }
}

impl Codec for AuthCapabilities {
    fn encode(&self, w: &mut Writer) {
        w.u8(self.channel & 0x0f)
            .u8(flag(self.extended, 7) | (self.auth_type_support & 0x3f))
            .u8(flag(self.kg_nonzero, 5)
                | flag(self.per_message_auth_disabled, 4)
                | flag(self.user_level_auth_disabled, 3)
                | flag(self.non_null_usernames, 2)
                | flag(self.null_usernames, 1)
                | flag(self.anonymous_login, 0))
            .u8(flag(self.supports_ipmi20, 1) | flag(self.supports_ipmi15, 0))
            .u24_le(self.oem_id)
            .u8(self.oem_aux);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let channel = r.u8("channel number")? & 0x0f;
        let auth = r.u8("authentication type support")?;
        let status = r.u8("authentication status")?;
        let ext = r.u8("extended capabilities")?;
        let oem_id = if r.remaining() >= 3 {
            r.u24_le("OEM ID")?
        } else {
            0
        };
        let oem_aux = if r.is_empty() {
            0
        } else {
            r.u8("OEM auxiliary data")?
        };
        skip_rest(r);
        Ok(Self {
            channel,
            auth_type_support: auth & 0x3f,
            extended: bit(auth, 7),
            kg_nonzero: bit(status, 5),
            per_message_auth_disabled: bit(status, 4),
            user_level_auth_disabled: bit(status, 3),
            non_null_usernames: bit(status, 2),
            null_usernames: bit(status, 1),
            anonymous_login: bit(status, 0),
            supports_ipmi15: bit(ext, 0),
            supports_ipmi20: bit(ext, 1),
            oem_id,
            oem_aux,
        })
    }
}

// ---------------------------------------------------------------------------
// Get Session Challenge (IPMI 1.5)
// ---------------------------------------------------------------------------

/// Get Session Challenge (NetFn App 06h, command 39h; IPMI v2.0 §22.16),
/// the first step of IPMI 1.5 session activation.
///
/// ```text
///  byte  field
///  1     [3:0] authentication type for the challenge
///  2:17  username, NUL-padded to 16 bytes (all zero = null user)
/// ```
///
/// Completion codes 81h (invalid username) and 82h (null user disabled).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GetSessionChallenge {
    /// Authentication type, 4 bits.
    pub auth_type: AuthType,
    /// Username, NUL-padded.
    pub username: [u8; 16],
}

impl GetSessionChallenge {
    /// Builds the request; `None` when `username` is longer than 16 bytes.
    pub fn new(auth_type: AuthType, username: &[u8]) -> Option<Self> {
        let mut padded = [0u8; 16];
        padded.get_mut(..username.len())?.copy_from_slice(username);
        Some(Self {
            auth_type,
            username: padded,
        })
    }

    /// The username without its NUL padding.
    pub fn username_bytes(&self) -> &[u8] {
        let end = self
            .username
            .iter()
            .rposition(|b| *b != 0)
            .map_or(0, |i| i.saturating_add(1));
        self.username.get(..end).unwrap_or(&[])
    }
}

impl Codec for GetSessionChallenge {
    fn encode(&self, w: &mut Writer) {
        w.u8(nibble(self.auth_type)).bytes(&self.username);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            auth_type: auth_type(r.u8("authentication type")?),
            username: r.array("username")?,
        })
    }
}

impl Command for GetSessionChallenge {
    const NETFN: NetFn = NetFn::App;
    const CMD: u8 = 0x39;
    type Response = SessionChallenge;
    const PRIVILEGE: PrivilegeLevel = PrivilegeLevel::Callback;
    const OUTSIDE_SESSION: bool = true;
}

/// Get Session Challenge response data (IPMI v2.0 §22.16): temporary
/// session ID (LS byte first), then the 16-byte challenge string.
/// Extra bytes are ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SessionChallenge {
    /// Temporary session ID, used in the Activate Session request header.
    pub temp_session_id: u32,
    /// Challenge string for Activate Session.
    pub challenge: [u8; 16],
}

impl Codec for SessionChallenge {
    fn encode(&self, w: &mut Writer) {
        w.u32_le(self.temp_session_id).bytes(&self.challenge);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let v = Self {
            temp_session_id: r.u32_le("temporary session ID")?,
            challenge: r.array("challenge string")?,
        };
        skip_rest(r);
        Ok(v)
    }
}

// ---------------------------------------------------------------------------
// Activate Session (IPMI 1.5)
// ---------------------------------------------------------------------------

/// Activate Session (NetFn App 06h, command 3Ah; IPMI v2.0 §22.17), sent
/// authenticated under the temporary session ID.
///
/// ```text
///  byte  field
///  1     [3:0] authentication type for the session
///  2     [3:0] maximum privilege level requested
///  3:18  challenge string from Get Session Challenge
///  19:22 initial outbound sequence number (non-zero), LS byte first
/// ```
///
/// Completion codes 81h–86h: no session slot, no slot for the user,
/// sequence number out of range, invalid session ID, privilege exceeds the
/// user's or channel's limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ActivateSession {
    /// Authentication type for the rest of the session, 4 bits.
    pub auth_type: AuthType,
    /// Maximum privilege level for the session, 4 bits.
    pub max_privilege: PrivilegeLevel,
    /// The challenge string.
    pub challenge: [u8; 16],
    /// First sequence number the console will use for its packets.
    pub initial_outbound_seq: u32,
}

impl Codec for ActivateSession {
    fn encode(&self, w: &mut Writer) {
        w.u8(nibble(self.auth_type))
            .u8(nibble(self.max_privilege))
            .bytes(&self.challenge)
            .u32_le(self.initial_outbound_seq);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            auth_type: auth_type(r.u8("authentication type")?),
            max_privilege: privilege(r.u8("maximum privilege level")?),
            challenge: r.array("challenge string")?,
            initial_outbound_seq: r.u32_le("initial outbound sequence number")?,
        })
    }
}

impl Command for ActivateSession {
    const NETFN: NetFn = NetFn::App;
    const CMD: u8 = 0x3a;
    type Response = ActivateSessionResponse;
    const PRIVILEGE: PrivilegeLevel = PrivilegeLevel::Callback;
    const OUTSIDE_SESSION: bool = true;
}

/// Activate Session response data (IPMI v2.0 §22.17).
///
/// ```text
///  byte  field
///  1     [3:0] authentication type for the rest of the session (may be
///        none when per-message authentication is disabled)
///  2:5   session ID, LS byte first
///  6:9   initial inbound sequence number (the BMC's first), LS byte first
///  10    [3:0] maximum privilege level allowed
/// ```
///
/// Extra bytes are ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ActivateSessionResponse {
    /// Authentication type for the remainder of the session.
    pub auth_type: AuthType,
    /// The session ID for all further packets.
    pub session_id: u32,
    /// Sequence number the BMC starts its packets with.
    pub initial_inbound_seq: u32,
    /// Maximum privilege level the session may reach.
    pub max_privilege: PrivilegeLevel,
}

impl Codec for ActivateSessionResponse {
    fn encode(&self, w: &mut Writer) {
        w.u8(nibble(self.auth_type))
            .u32_le(self.session_id)
            .u32_le(self.initial_inbound_seq)
            .u8(nibble(self.max_privilege));
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let v = Self {
            auth_type: auth_type(r.u8("authentication type")?),
            session_id: r.u32_le("session ID")?,
            initial_inbound_seq: r.u32_le("initial inbound sequence number")?,
            max_privilege: privilege(r.u8("maximum privilege level")?),
        };
        skip_rest(r);
        Ok(v)
    }
}

// ---------------------------------------------------------------------------
// Set Session Privilege Level
// ---------------------------------------------------------------------------

/// Set Session Privilege Level (NetFn App 06h, command 3Bh; IPMI v2.0
/// §22.18).
///
/// Request byte 1 `[3:0]`: 0h = no change, just return the present level;
/// 2h User, 3h Operator, 4h Administrator, 5h OEM. Sessions start at User
/// even when a higher maximum was negotiated. Completion codes 80h (level
/// not available for this user), 81h (exceeds the user or channel limit),
/// 82h (cannot disable user-level authentication).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SetSessionPrivilegeLevel {
    /// Requested level, 4 bits; [`PrivilegeLevel::Highest`] (0h) means
    /// "no change, report the present level".
    pub privilege: PrivilegeLevel,
}

impl SetSessionPrivilegeLevel {
    /// Requests a change to `privilege`.
    pub fn new(privilege: PrivilegeLevel) -> Self {
        Self { privilege }
    }

    /// Asks only for the present level (0h).
    pub fn query() -> Self {
        Self {
            privilege: PrivilegeLevel::Highest,
        }
    }
}

impl Codec for SetSessionPrivilegeLevel {
    fn encode(&self, w: &mut Writer) {
        w.u8(nibble(self.privilege));
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            privilege: privilege(r.u8("requested privilege level")?),
        })
    }
}

impl Command for SetSessionPrivilegeLevel {
    const NETFN: NetFn = NetFn::App;
    const CMD: u8 = 0x3b;
    type Response = SetSessionPrivilegeLevelResponse;
    const PRIVILEGE: PrivilegeLevel = PrivilegeLevel::User;
}

/// Set Session Privilege Level response data (IPMI v2.0 §22.18): the new
/// (or present) privilege level in `[3:0]`. Extra bytes are ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SetSessionPrivilegeLevelResponse {
    /// The session's privilege level after the command.
    pub privilege: PrivilegeLevel,
}

impl Codec for SetSessionPrivilegeLevelResponse {
    fn encode(&self, w: &mut Writer) {
        w.u8(nibble(self.privilege));
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let privilege = privilege(r.u8("new privilege level")?);
        skip_rest(r);
        Ok(Self { privilege })
    }
}

// ---------------------------------------------------------------------------
// Close Session
// ---------------------------------------------------------------------------

/// Close Session (NetFn App 06h, command 3Ch; IPMI v2.0 §22.19).
///
/// ```text
///  byte  field
///  1:4   session ID (the BMC's, "managed system" ID), LS byte first
///  5     session handle, present only when the session ID is 0
/// ```
///
/// Completion codes 87h (invalid session ID), 88h (invalid session handle).
/// Minimum privilege: Callback (closing one's own session).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CloseSession {
    /// Session ID to close; 0 means "by handle".
    pub session_id: u32,
    /// Session handle, written when present (use with `session_id` 0).
    pub handle: Option<u8>,
}

impl CloseSession {
    /// Closes the session with this (BMC-assigned) ID; same as
    /// [`CloseSession::by_id`].
    pub fn new(session_id: u32) -> Self {
        Self::by_id(session_id)
    }

    /// Closes the session with this (BMC-assigned) ID.
    pub fn by_id(session_id: u32) -> Self {
        Self {
            session_id,
            handle: None,
        }
    }

    /// Closes the session with this handle (session ID field 0).
    pub fn by_handle(handle: u8) -> Self {
        Self {
            session_id: 0,
            handle: Some(handle),
        }
    }
}

impl Codec for CloseSession {
    fn encode(&self, w: &mut Writer) {
        w.u32_le(self.session_id);
        if let Some(h) = self.handle {
            w.u8(h);
        }
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let session_id = r.u32_le("session ID")?;
        let handle = if r.is_empty() {
            None
        } else {
            Some(r.u8("session handle")?)
        };
        Ok(Self { session_id, handle })
    }
}

impl Command for CloseSession {
    const NETFN: NetFn = NetFn::App;
    const CMD: u8 = 0x3c;
    type Response = EmptyResponse;
    const PRIVILEGE: PrivilegeLevel = PrivilegeLevel::Callback;
}

// ---------------------------------------------------------------------------
// Get Session Info
// ---------------------------------------------------------------------------

/// Which session Get Session Info reports on (request byte 1, with the
/// bytes that follow it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SessionInfoSelector {
    /// 00h: the session this request arrived on.
    Current,
    /// N (01h–FDh): the Nth active session.
    Index(u8),
    /// FEh + handle: look up by session handle.
    Handle(u8),
    /// FFh + 4-byte ID: look up by session ID.
    Id(u32),
}

/// Get Session Info (NetFn App 06h, command 3Dh; IPMI v2.0 §22.20,
/// Table 22-25). Minimum privilege: User. Cheap and side-effect free, so it
/// also serves as a session keep-alive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GetSessionInfo {
    /// Session to report on.
    pub selector: SessionInfoSelector,
}

impl GetSessionInfo {
    /// Info for the session the request is sent on (index 00h).
    pub fn current() -> Self {
        Self {
            selector: SessionInfoSelector::Current,
        }
    }
}

impl Codec for GetSessionInfo {
    fn encode(&self, w: &mut Writer) {
        match self.selector {
            SessionInfoSelector::Current => w.u8(0x00),
            SessionInfoSelector::Index(n) => w.u8(n),
            SessionInfoSelector::Handle(h) => w.u8(0xfe).u8(h),
            SessionInfoSelector::Id(id) => w.u8(0xff).u32_le(id),
        };
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let selector = match r.u8("session index")? {
            0x00 => SessionInfoSelector::Current,
            0xfe => SessionInfoSelector::Handle(r.u8("session handle")?),
            0xff => SessionInfoSelector::Id(r.u32_le("session ID")?),
            n => SessionInfoSelector::Index(n),
        };
        Ok(Self { selector })
    }
}

impl Command for GetSessionInfo {
    const NETFN: NetFn = NetFn::App;
    const CMD: u8 = 0x3d;
    type Response = SessionInfo;
    const PRIVILEGE: PrivilegeLevel = PrivilegeLevel::User;
}

/// Get Session Info response data (IPMI v2.0 §22.20, Table 22-25).
///
/// ```text
///  byte  field
///  1     session handle (00h = no active session for the given index)
///  2     [5:0] number of possible active sessions (slots)
///  3     [5:0] number of currently active sessions
///  -- only when a session matched: --
///  4     [5:0] user ID
///  5     [3:0] operating privilege level
///  6     [7:4] session protocol auxiliary data (802.3 LAN: 0h = IPMI 1.5,
///        1h = IPMI 2.0)  [3:0] channel number
///  7..   channel-type specific data; for 802.3 LAN: remote console IP
///        address (4, MS byte first), MAC address (6, MS byte first),
///        port (2, LS byte first)
/// ```
///
/// One or two stray bytes after byte 3 are ignored (no session details).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SessionInfo {
    /// Session handle.
    pub handle: u8,
    /// Session slots on the controller, 6 bits.
    pub possible_sessions: u8,
    /// Sessions active on all channels, 6 bits.
    pub active_sessions: u8,
    /// The selected session, when one matched.
    pub session: Option<SessionDetails>,
}

/// Details of the session selected by Get Session Info (response bytes 4
/// onward).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SessionDetails {
    /// User ID, 6 bits.
    pub user_id: u8,
    /// Present operating privilege level, 4 bits.
    pub privilege: PrivilegeLevel,
    /// Session protocol auxiliary data, 4 bits (802.3 LAN: 0 = IPMI 1.5,
    /// 1 = IPMI 2.0).
    pub protocol_aux: u8,
    /// Channel the session was activated over, 4 bits.
    pub channel: u8,
    /// Channel-type specific bytes (see [`SessionDetails::lan_address`]).
    pub channel_data: Vec<u8>,
}

impl SessionDetails {
    /// For a session on an 802.3 LAN channel: the remote console's IPv4
    /// address, MAC address and UDP port, when the BMC sent all 12 bytes.
    pub fn lan_address(&self) -> Option<([u8; 4], [u8; 6], u16)> {
        let mut r = Reader::new(&self.channel_data);
        let ip = r.array::<4>("IP address").ok()?;
        let mac = r.array::<6>("MAC address").ok()?;
        let port = r.u16_le("port").ok()?;
        Some((ip, mac, port))
    }
}

impl Codec for SessionInfo {
    fn encode(&self, w: &mut Writer) {
        w.u8(self.handle)
            .u8(self.possible_sessions & 0x3f)
            .u8(self.active_sessions & 0x3f);
        if let Some(s) = &self.session {
            w.u8(s.user_id & 0x3f)
                .u8(nibble(s.privilege))
                .u8(((s.protocol_aux & 0x0f) << 4) | (s.channel & 0x0f))
                .bytes(&s.channel_data);
        }
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let handle = r.u8("session handle")?;
        let possible_sessions = r.u8("possible active sessions")? & 0x3f;
        let active_sessions = r.u8("active sessions")? & 0x3f;
        let session = if r.remaining() >= 3 {
            let user = r.u8("user ID")?;
            let privilege = privilege(r.u8("operating privilege level")?);
            let chan = r.u8("channel number")?;
            Some(SessionDetails {
                user_id: user & 0x3f,
                privilege,
                protocol_aux: chan >> 4,
                channel: chan & 0x0f,
                channel_data: r.rest().to_vec(),
            })
        } else {
            None
        };
        skip_rest(r);
        Ok(Self {
            handle,
            possible_sessions,
            active_sessions,
            session,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::test_util::{decode_any, golden, hex, round_trip};
    use proptest::prelude::*;

    // Bytes below come from the bmc-sim reference captures
    // (pcap/lan15-md5-ipmitool-chassis-status.pcap and
    // pcap/lanplus-C0-ipmitool-sensor-reading.pcap).

    #[test]
    fn gcac_request_golden() {
        // ipmitool -I lanplus: "8e 04" (this channel, v2.0 data, admin).
        golden(
            "8e 04",
            &GetChannelAuthCapabilities::new(PrivilegeLevel::Administrator),
        );
        // ipmitool -I lan: "0e 04".
        golden(
            "0e 04",
            &GetChannelAuthCapabilities {
                channel: 0x0e,
                extended: false,
                max_privilege: PrivilegeLevel::Administrator,
            },
        );
        assert!(GetChannelAuthCapabilities::from_bytes(&[0x8e]).is_err());
        const { assert!(GetChannelAuthCapabilities::OUTSIDE_SESSION) };
        assert_eq!(GetChannelAuthCapabilities::CMD, 0x38);
    }

    fn sim_caps() -> AuthCapabilities {
        AuthCapabilities {
            channel: 1,
            auth_type_support: 0x16,
            extended: true,
            kg_nonzero: false,
            per_message_auth_disabled: false,
            user_level_auth_disabled: false,
            non_null_usernames: true,
            null_usernames: false,
            anonymous_login: false,
            supports_ipmi15: true,
            supports_ipmi20: true,
            oem_id: 0,
            oem_aux: 0,
        }
    }

    #[test]
    fn gcac_response_golden() {
        // Response to "8e 04": channel 1, MD2/MD5/password + v2.0 data,
        // non-null usernames, supports 1.5 and 2.0.
        let caps = sim_caps();
        golden("01 96 04 03 00 00 00 00", &caps);
        assert!(caps.auth_types().md2() && caps.auth_types().md5() && caps.auth_types().password());
        assert!(!caps.auth_types().none() && !caps.auth_types().oem());
        assert!(caps.auth_types().supports(AuthType::Md5));
        assert!(!caps.auth_types().supports(AuthType::RmcpPlus));
        // Response to "0e 04" (IPMI 1.5 request): no extended data.
        golden(
            "01 16 04 00 00 00 00 00",
            &AuthCapabilities {
                extended: false,
                supports_ipmi15: false,
                supports_ipmi20: false,
                ..caps
            },
        );
        // All status bits, OEM ID and aux.
        golden(
            "0f bf 3f 03 a2 02 00 7e",
            &AuthCapabilities {
                channel: 0x0f,
                auth_type_support: 0x3f,
                kg_nonzero: true,
                per_message_auth_disabled: true,
                user_level_auth_disabled: true,
                non_null_usernames: true,
                null_usernames: true,
                anonymous_login: true,
                oem_id: 674,
                oem_aux: 0x7e,
                ..caps
            },
        );
    }

    #[test]
    fn gcac_response_tolerance() {
        // OEM fields missing: zero.
        assert_eq!(
            AuthCapabilities::from_bytes(&hex("01 96 04 03")),
            Ok(sim_caps())
        );
        assert_eq!(
            AuthCapabilities::from_bytes(&hex("01 96 04 03 00")),
            Ok(sim_caps())
        );
        // Trailing bytes and reserved bits: ignored.
        assert_eq!(
            AuthCapabilities::from_bytes(&hex("f1 d6 c4 fb 00 00 00 00 99")),
            Ok(sim_caps())
        );
        assert!(AuthCapabilities::from_bytes(&hex("01 96 04")).is_err());
    }

    #[test]
    fn session_challenge_golden() {
        // Get Session Challenge for MD5 / "admin".
        let req = GetSessionChallenge::new(AuthType::Md5, b"admin").unwrap();
        golden("02 61646d696e 0000000000000000000000", &req);
        assert_eq!(req.username_bytes(), b"admin");
        assert!(GetSessionChallenge::new(AuthType::Md5, &[b'a'; 17]).is_none());
        assert_eq!(
            GetSessionChallenge::new(AuthType::None, b"")
                .unwrap()
                .username_bytes(),
            b""
        );
        assert!(GetSessionChallenge::from_bytes(&hex("02 61")).is_err());
        golden(
            "05000000 206a6c09849118e0a62551fe0b78a9f4",
            &SessionChallenge {
                temp_session_id: 5,
                challenge: hex("206a6c09849118e0a62551fe0b78a9f4").try_into().unwrap(),
            },
        );
        assert!(SessionChallenge::from_bytes(&hex("05000000 206a")).is_err());
    }

    #[test]
    fn activate_session_golden() {
        let challenge: [u8; 16] = hex("206a6c09849118e0a62551fe0b78a9f4").try_into().unwrap();
        golden(
            "02 04 206a6c09849118e0a62551fe0b78a9f4 4f2c6467",
            &ActivateSession {
                auth_type: AuthType::Md5,
                max_privilege: PrivilegeLevel::Administrator,
                challenge,
                initial_outbound_seq: 0x6764_2c4f,
            },
        );
        golden(
            "02 04140000 c68b3116 04",
            &ActivateSessionResponse {
                auth_type: AuthType::Md5,
                session_id: 0x1404,
                initial_inbound_seq: 0x1631_8bc6,
                max_privilege: PrivilegeLevel::Administrator,
            },
        );
        assert!(ActivateSessionResponse::from_bytes(&hex("02 04140000 c68b3116")).is_err());
        assert_eq!(ActivateSession::CMD, 0x3a);
    }

    #[test]
    fn set_session_privilege_golden() {
        golden(
            "04",
            &SetSessionPrivilegeLevel::new(PrivilegeLevel::Administrator),
        );
        golden("00", &SetSessionPrivilegeLevel::query());
        golden(
            "04",
            &SetSessionPrivilegeLevelResponse {
                privilege: PrivilegeLevel::Administrator,
            },
        );
        assert_eq!(
            SetSessionPrivilegeLevelResponse::from_bytes(&hex("f2 00")),
            Ok(SetSessionPrivilegeLevelResponse {
                privilege: PrivilegeLevel::User
            })
        );
        assert!(SetSessionPrivilegeLevelResponse::from_bytes(&[]).is_err());
        assert_eq!(SetSessionPrivilegeLevel::PRIVILEGE, PrivilegeLevel::User);
    }

    #[test]
    fn close_session_golden() {
        // lanplus capture: Close Session for BMC session 00001384h.
        golden("84130000", &CloseSession::by_id(0x1384));
        golden("04140000", &CloseSession::by_id(0x1404));
        golden("00000000 03", &CloseSession::by_handle(3));
        golden("", &EmptyResponse);
        assert!(CloseSession::from_bytes(&hex("841300")).is_err());
        assert!(CloseSession::from_bytes(&hex("00000000 03 00")).is_err());
    }

    #[test]
    fn session_info_golden() {
        golden("00", &GetSessionInfo::current());
        golden(
            "05",
            &GetSessionInfo {
                selector: SessionInfoSelector::Index(5),
            },
        );
        golden(
            "fe 02",
            &GetSessionInfo {
                selector: SessionInfoSelector::Handle(2),
            },
        );
        golden(
            "ff 04140000",
            &GetSessionInfo {
                selector: SessionInfoSelector::Id(0x1404),
            },
        );
        assert!(GetSessionInfo::from_bytes(&hex("ff 0414")).is_err());

        // No matching session: 3 bytes.
        golden(
            "00 04 00",
            &SessionInfo {
                handle: 0,
                possible_sessions: 4,
                active_sessions: 0,
                session: None,
            },
        );
        // A v2.0 LAN session from 192.168.1.10, port 623... MAC 00:11:22:33:44:55.
        let info = SessionInfo {
            handle: 1,
            possible_sessions: 24,
            active_sessions: 1,
            session: Some(SessionDetails {
                user_id: 2,
                privilege: PrivilegeLevel::Administrator,
                protocol_aux: 1,
                channel: 1,
                channel_data: hex("c0a8010a 001122334455 6f02"),
            }),
        };
        golden("01 18 01 02 04 11 c0a8010a 001122334455 6f02", &info);
        assert_eq!(
            info.session.as_ref().unwrap().lan_address(),
            Some(([192, 168, 1, 10], [0, 0x11, 0x22, 0x33, 0x44, 0x55], 623))
        );
        // Reserved bits dropped; one stray byte ignored.
        assert_eq!(
            SessionInfo::from_bytes(&hex("00 c4 c0 ee")),
            Ok(SessionInfo {
                handle: 0,
                possible_sessions: 4,
                active_sessions: 0,
                session: None,
            })
        );
        let short = SessionDetails {
            user_id: 1,
            privilege: PrivilegeLevel::User,
            protocol_aux: 0,
            channel: 1,
            channel_data: vec![1, 2],
        };
        assert_eq!(short.lan_address(), None);
        assert!(SessionInfo::from_bytes(&hex("00 04")).is_err());
    }

    fn privilege_nibble() -> impl Strategy<Value = PrivilegeLevel> {
        (0u8..16).prop_map(PrivilegeLevel::from)
    }

    fn auth_nibble() -> impl Strategy<Value = AuthType> {
        (0u8..16).prop_map(AuthType::from)
    }

    prop_compose! {
        fn caps()(
            channel in 0u8..16, auth in 0u8..0x40, bits in any::<[bool; 9]>(),
            oem_id in 0u32..0x0100_0000, oem_aux in any::<u8>(),
        ) -> AuthCapabilities {
            let [extended, kg, pm, ul, nn, nu, anon, v15, v20] = bits;
            AuthCapabilities {
                channel, auth_type_support: auth, extended, kg_nonzero: kg,
                per_message_auth_disabled: pm, user_level_auth_disabled: ul,
                non_null_usernames: nn, null_usernames: nu, anonymous_login: anon,
                supports_ipmi15: v15, supports_ipmi20: v20, oem_id, oem_aux,
            }
        }
    }

    fn selector() -> impl Strategy<Value = SessionInfoSelector> {
        prop_oneof![
            Just(SessionInfoSelector::Current),
            (1u8..=0xfd).prop_map(SessionInfoSelector::Index),
            any::<u8>().prop_map(SessionInfoSelector::Handle),
            any::<u32>().prop_map(SessionInfoSelector::Id),
        ]
    }

    prop_compose! {
        fn session_info()(
            handle in any::<u8>(), possible in 0u8..64, active in 0u8..64,
            details in proptest::option::of((
                0u8..64, privilege_nibble(), 0u8..16, 0u8..16,
                proptest::collection::vec(any::<u8>(), 0..16),
            )),
        ) -> SessionInfo {
            SessionInfo {
                handle, possible_sessions: possible, active_sessions: active,
                session: details.map(|(user_id, privilege, protocol_aux, channel, channel_data)| {
                    SessionDetails { user_id, privilege, protocol_aux, channel, channel_data }
                }),
            }
        }
    }

    proptest! {
        #[test]
        fn gcac_round_trip(
            channel in 0u8..16, extended in any::<bool>(), p in privilege_nibble(), c in caps(),
        ) {
            round_trip(&GetChannelAuthCapabilities { channel, extended, max_privilege: p });
            round_trip(&c);
        }

        #[test]
        fn challenge_round_trip(
            a in auth_nibble(), user in any::<[u8; 16]>(), id in any::<u32>(), ch in any::<[u8; 16]>(),
        ) {
            round_trip(&GetSessionChallenge { auth_type: a, username: user });
            round_trip(&SessionChallenge { temp_session_id: id, challenge: ch });
        }

        #[test]
        fn activate_round_trip(
            a in auth_nibble(), p in privilege_nibble(), ch in any::<[u8; 16]>(),
            seq in any::<u32>(), id in any::<u32>(),
        ) {
            round_trip(&ActivateSession { auth_type: a, max_privilege: p, challenge: ch, initial_outbound_seq: seq });
            round_trip(&ActivateSessionResponse { auth_type: a, session_id: id, initial_inbound_seq: seq, max_privilege: p });
        }

        #[test]
        fn privilege_close_round_trip(p in privilege_nibble(), id in any::<u32>(), h in proptest::option::of(any::<u8>())) {
            round_trip(&SetSessionPrivilegeLevel { privilege: p });
            round_trip(&SetSessionPrivilegeLevelResponse { privilege: p });
            round_trip(&CloseSession { session_id: id, handle: h });
        }

        #[test]
        fn session_info_round_trip(s in selector(), info in session_info()) {
            round_trip(&GetSessionInfo { selector: s });
            round_trip(&info);
        }

        #[test]
        fn decoders_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
            decode_any::<GetChannelAuthCapabilities>(&bytes);
            decode_any::<AuthCapabilities>(&bytes);
            decode_any::<GetSessionChallenge>(&bytes);
            decode_any::<SessionChallenge>(&bytes);
            decode_any::<ActivateSession>(&bytes);
            decode_any::<ActivateSessionResponse>(&bytes);
            decode_any::<SetSessionPrivilegeLevel>(&bytes);
            decode_any::<SetSessionPrivilegeLevelResponse>(&bytes);
            decode_any::<CloseSession>(&bytes);
            decode_any::<GetSessionInfo>(&bytes);
            if decode_any::<SessionInfo>(&bytes) {
                if let Ok(SessionInfo { session: Some(s), .. }) = SessionInfo::from_bytes(&bytes) {
                    let _ = s.lan_address();
                }
            }
        }
    }
}
