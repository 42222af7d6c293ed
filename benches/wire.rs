//! Codec benchmarks: encoding and decoding the packets of a warm scrape.
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use ipmi_proto::wire::message::IpmiRequest;
use ipmi_proto::wire::rmcpplus::{build_datagram, RmcpPlusHeader};
use ipmi_proto::wire::Datagram;
use ipmi_proto::{Codec, NetFn, PayloadType};

fn wire(c: &mut Criterion) {
    let req = IpmiRequest::to_bmc(NetFn::SensorEvent, 0x2d, 7, vec![0x41]);
    c.bench_function("encode Get Sensor Reading message", |b| {
        b.iter(|| black_box(&req).to_bytes())
    });
    let header = RmcpPlusHeader {
        encrypted: true,
        authenticated: true,
        payload_type: PayloadType::Ipmi,
        oem: None,
        session_id: 0x1234_5678,
        session_seq: 42,
    };
    let datagram = build_datagram(&header, &[0x5a; 32], Some(&|_: &[u8]| vec![0; 12]));
    c.bench_function("split RMCP+ datagram", |b| {
        b.iter(|| Datagram::decode(black_box(&datagram)).is_ok())
    });
}

criterion_group!(benches, wire);
criterion_main!(benches);
