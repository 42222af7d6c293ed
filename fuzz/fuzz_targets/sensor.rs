//! Fuzz target `sensor`: see [`ipmi_proto_fuzz::sensor`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ipmi_proto_fuzz::sensor(data));
