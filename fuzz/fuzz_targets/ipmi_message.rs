//! Fuzz target `ipmi_message`: see [`ipmi_proto_fuzz::ipmi_message`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ipmi_proto_fuzz::ipmi_message(data));
