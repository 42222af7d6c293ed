//! Fuzz target `handshake`: see [`ipmi_proto_fuzz::handshake`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ipmi_proto_fuzz::handshake(data));
