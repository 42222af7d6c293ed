//! Fuzz target `session_inbound`: see [`ipmi_proto_fuzz::session_inbound`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ipmi_proto_fuzz::session_inbound(data));
