//! Fuzz target `datagram`: see [`ipmi_proto_fuzz::datagram`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ipmi_proto_fuzz::datagram(data));
