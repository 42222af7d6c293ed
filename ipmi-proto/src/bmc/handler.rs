//! Command dispatch of the virtual BMC: request → completion code and data.
//!
//! Privileges follow each command's [`Command::PRIVILEGE`] (IPMI v2.0
//! Appendix G); outside a session only [`Command::OUTSIDE_SESSION`] commands
//! are served. Unknown commands answer C1h, as the spec asks.

use crate::codec::Codec;
use crate::commands::app::{
    AuthCapabilities, GetChannelAuthCapabilities, GetDeviceGuid, GetDeviceId, GetSelfTestResults,
    GetSystemGuid, GetSystemInfoParameters, Guid, SelfTestResults, SystemInfoParameter,
    SystemInfoString,
};
use crate::commands::channel::{
    encode_cipher_suite_records, standard_cipher_suite, ChannelCipherSuites, ChannelInfo,
    ChannelMedium, ChannelProtocol, GetChannelCipherSuites, GetChannelInfo, SessionSupport,
};
use crate::commands::session::{GetSessionInfo, SessionInfo};
use crate::commands::Command;
use crate::types::{CompletionCode, PayloadType, PrivilegeLevel};
use crate::wire::message::IpmiRequest;

use super::machine::Machine;

/// The IPMI forum's IANA number, used as the channel vendor ID (§22.24).
const IPMI_FORUM_IANA: u32 = 7154;

/// What the dispatcher knows about the caller.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Caller {
    /// The session privilege, `None` outside a session.
    pub(crate) privilege: Option<PrivilegeLevel>,
    /// Active sessions on the BMC.
    pub(crate) active_sessions: usize,
    /// This session's handle (1-based), if in a session.
    pub(crate) handle: u8,
}

/// Response data, or the completion code that replaces it.
pub(crate) type Outcome = Result<Vec<u8>, CompletionCode>;

/// Checks the caller's privilege for `C`, decodes the request data and runs
/// `f` on it (the building block of every BMC-side command handler).
pub(crate) fn run<C: Command>(
    req: &IpmiRequest,
    caller: Caller,
    f: impl FnOnce(C) -> Result<C::Response, CompletionCode>,
) -> Outcome {
    match caller.privilege {
        None if !C::OUTSIDE_SESSION => return Err(CompletionCode::InsufficientPrivilege),
        Some(p) if !p.at_least(C::PRIVILEGE) => return Err(CompletionCode::InsufficientPrivilege),
        _ => {}
    }
    let cmd = C::from_bytes(&req.data).map_err(|_| CompletionCode::RequestLengthInvalid)?;
    f(cmd).map(|resp| resp.to_bytes())
}

/// Answers one request.
pub(crate) fn handle(
    machine: &mut Machine,
    req: &IpmiRequest,
    caller: Caller,
) -> (CompletionCode, Vec<u8>) {
    let outcome = machine
        .sensors
        .handle(req, caller)
        .or_else(|| machine.sel.handle(req, caller))
        .or_else(|| machine.platform.handle(req, caller))
        .unwrap_or_else(|| dispatch(machine, req, caller));
    match outcome {
        Ok(data) => (CompletionCode::Ok, data),
        Err(cc) => (cc, Vec::new()),
    }
}

fn matches<C: Command>(req: &IpmiRequest) -> bool {
    req.netfn == C::NETFN && req.cmd == C::CMD
}

fn dispatch(machine: &Machine, req: &IpmiRequest, caller: Caller) -> Outcome {
    if matches::<GetDeviceId>(req) {
        run::<GetDeviceId>(req, caller, |_| Ok(machine.device_id))
    } else if matches::<GetSelfTestResults>(req) {
        run::<GetSelfTestResults>(req, caller, |_| {
            Ok(SelfTestResults {
                result: 0x55,
                detail: 0x00,
            })
        })
    } else if matches::<GetDeviceGuid>(req) {
        run::<GetDeviceGuid>(req, caller, |_| Ok(Guid(machine.device_guid)))
    } else if matches::<GetSystemGuid>(req) {
        run::<GetSystemGuid>(req, caller, |_| Ok(Guid(machine.system_guid)))
    } else if matches::<GetChannelAuthCapabilities>(req) {
        run::<GetChannelAuthCapabilities>(req, caller, |c| auth_caps(machine, &c))
    } else if matches::<GetChannelCipherSuites>(req) {
        run::<GetChannelCipherSuites>(req, caller, |c| cipher_suites(machine, &c))
    } else if matches::<GetChannelInfo>(req) {
        run::<GetChannelInfo>(req, caller, |c| channel_info(machine, c.channel, caller))
    } else if matches::<GetSessionInfo>(req) {
        run::<GetSessionInfo>(req, caller, |_| {
            Ok(SessionInfo {
                handle: caller.handle,
                possible_sessions: u8::try_from(machine.max_sessions).unwrap_or(63).min(63),
                active_sessions: u8::try_from(caller.active_sessions).unwrap_or(63).min(63),
                session: None,
            })
        })
    } else if matches::<GetSystemInfoParameters>(req) {
        run::<GetSystemInfoParameters>(req, caller, |c| system_info(machine, &c))
    } else {
        Err(CompletionCode::InvalidCommand)
    }
}

fn channel_number(machine: &Machine, requested: u8) -> Option<u8> {
    match requested & 0x0f {
        0x0e => Some(machine.lan_channel),
        c if c == machine.lan_channel => Some(c),
        _ => None,
    }
}

fn auth_caps(
    machine: &Machine,
    c: &GetChannelAuthCapabilities,
) -> Result<AuthCapabilities, CompletionCode> {
    let channel = channel_number(machine, c.channel).ok_or(CompletionCode::InvalidDataField)?;
    Ok(AuthCapabilities {
        channel,
        // No IPMI 1.5 authentication types: this BMC speaks RMCP+ only.
        auth_type_support: 0,
        extended: c.extended,
        kg_nonzero: machine.kg.as_ref().is_some_and(|k| !k.is_zero()),
        per_message_auth_disabled: false,
        user_level_auth_disabled: false,
        non_null_usernames: true,
        null_usernames: false,
        anonymous_login: false,
        supports_ipmi15: false,
        supports_ipmi20: c.extended,
        oem_id: 0,
        oem_aux: 0,
    })
}

fn cipher_suites(
    machine: &Machine,
    c: &GetChannelCipherSuites,
) -> Result<ChannelCipherSuites, CompletionCode> {
    let channel = channel_number(machine, c.channel).ok_or(CompletionCode::InvalidDataField)?;
    if c.payload_type != PayloadType::Ipmi {
        return Ok(ChannelCipherSuites {
            channel,
            data: Vec::new(),
        });
    }
    let records: Vec<_> = machine
        .cipher_suites
        .iter()
        .filter_map(|id| standard_cipher_suite(*id))
        .collect();
    let all = encode_cipher_suite_records(&records);
    Ok(ChannelCipherSuites::chunk(channel, &all, c.list_index))
}

fn channel_info(
    machine: &Machine,
    requested: u8,
    caller: Caller,
) -> Result<ChannelInfo, CompletionCode> {
    let channel = channel_number(machine, requested).ok_or(CompletionCode::InvalidDataField)?;
    Ok(ChannelInfo {
        channel,
        medium: ChannelMedium::Lan8023,
        protocol: ChannelProtocol::Ipmb,
        session_support: SessionSupport::MultiSession,
        active_sessions: u8::try_from(caller.active_sessions).unwrap_or(63).min(63),
        vendor_id: IPMI_FORUM_IANA,
        aux: [0, 0],
    })
}

fn system_info(
    machine: &Machine,
    c: &GetSystemInfoParameters,
) -> Result<SystemInfoParameter, CompletionCode> {
    // Parameter revision 1.1.
    const REVISION: u8 = 0x11;
    if c.revision_only {
        return Ok(SystemInfoParameter {
            revision: REVISION,
            data: Vec::new(),
        });
    }
    // 80h: parameter not supported (IPMI v2.0 §22.14b).
    let (1, Some(text)) = (c.parameter, &machine.system_firmware_version) else {
        return Err(CompletionCode::Unknown(0x80));
    };
    let blocks =
        SystemInfoString::encode_blocks(SystemInfoString::ENCODING_LATIN1, text.as_bytes());
    let data = blocks
        .get(usize::from(c.set_selector))
        .cloned()
        .ok_or(CompletionCode::ParameterOutOfRange)?;
    Ok(SystemInfoParameter {
        revision: REVISION,
        data,
    })
}
