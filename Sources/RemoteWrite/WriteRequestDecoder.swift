/// Protobuf bytes back to a WriteRequest: the other half of the encoder, so tests can check what was sent
/// field by field. It keeps what it reads as it is (no sorting, no validation) and skips unknown fields.
public enum WriteRequestDecoder {
    public static func decode(_ bytes: [UInt8]) throws(ProtobufDecodingError) -> WriteRequest {
        var reader = ProtobufReader(bytes[...])
        var series: [TimeSeries] = []
        while !reader.isAtEnd {
            let offset = reader.position
            let (field, wireType) = try reader.tag()
            if field == WriteRequestEncoder.writeRequestTimeseries {
                guard wireType == 2 else { throw .wrongWireType(field: field, wireType: wireType, offset: offset) }
                series.append(try timeSeries(reader.lengthDelimited()))
            } else {
                try reader.skip(wireType: wireType)
            }
        }
        return WriteRequest(timeseries: series)
    }

    private static func timeSeries(_ bytes: ArraySlice<UInt8>) throws(ProtobufDecodingError) -> TimeSeries {
        var reader = ProtobufReader(bytes)
        var result = TimeSeries(labels: [], samples: [])
        while !reader.isAtEnd {
            let offset = reader.position
            let (field, wireType) = try reader.tag()
            switch field {
            case WriteRequestEncoder.seriesLabels, WriteRequestEncoder.seriesSamples:
                guard wireType == 2 else { throw .wrongWireType(field: field, wireType: wireType, offset: offset) }
                let body = try reader.lengthDelimited()
                if field == WriteRequestEncoder.seriesLabels {
                    result.labels.append(try label(body))
                } else {
                    result.samples.append(try sample(body))
                }
            default:
                try reader.skip(wireType: wireType)
            }
        }
        return result
    }

    private static func label(_ bytes: ArraySlice<UInt8>) throws(ProtobufDecodingError) -> Label {
        var reader = ProtobufReader(bytes)
        var result = Label("", "")
        while !reader.isAtEnd {
            let offset = reader.position
            let (field, wireType) = try reader.tag()
            switch field {
            case WriteRequestEncoder.labelName, WriteRequestEncoder.labelValue:
                guard wireType == 2 else { throw .wrongWireType(field: field, wireType: wireType, offset: offset) }
                let text = try reader.string()
                if field == WriteRequestEncoder.labelName { result.name = text } else { result.value = text }
            default:
                try reader.skip(wireType: wireType)
            }
        }
        return result
    }

    private static func sample(_ bytes: ArraySlice<UInt8>) throws(ProtobufDecodingError) -> Sample {
        var reader = ProtobufReader(bytes)
        var result = Sample(value: 0, timestamp: 0)
        while !reader.isAtEnd {
            let offset = reader.position
            let (field, wireType) = try reader.tag()
            switch (field, wireType) {
            case (WriteRequestEncoder.sampleValue, 1):
                result.value = Double(bitPattern: try reader.fixed64())
            case (WriteRequestEncoder.sampleTimestamp, 0):
                result.timestamp = Int64(bitPattern: try reader.varint())
            case (WriteRequestEncoder.sampleValue, _), (WriteRequestEncoder.sampleTimestamp, _):
                throw .wrongWireType(field: field, wireType: wireType, offset: offset)
            default:
                try reader.skip(wireType: wireType)
            }
        }
        return result
    }
}
