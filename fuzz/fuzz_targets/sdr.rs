//! Fuzz target `sdr`: see [`ipmi_proto_fuzz::sdr`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ipmi_proto_fuzz::sdr(data));
