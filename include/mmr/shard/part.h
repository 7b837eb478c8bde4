// A part: the encoded packets of one shard of a video render, in a file that
// says what it is (docs/cluster.md, "Part files"):
//   "MMRPART1", u32 length + JSON header (render identity, frames, stream),
//   records 'P' (i64 pts, dts, duration, u8 key, u32 size, data)...,
//   'E' u64 packet count, u64 FNV-1a hash of every byte before 'E'.
// Written to a hidden temporary name and renamed when complete; a part without
// its end record or with a wrong hash is refused as truncated or damaged.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "mmr/encode/packets.h"

namespace mmr::shard {

struct PartHeader {
    std::string render;         // hash of `identity`: parts of one render share it
    std::string identity;       // JSON object: scene hash and every setting that changes the bytes
    int64_t render_first = 0, render_last = -1;  // the whole render's frames (timeline numbers)
    int64_t first = 0, last = -1;                // this part's frames
    int segment_frames = 0;
    std::string shard;          // "1/4" (informative)
    StreamInfo stream;
};

// The identity of a render: `settings` is a flat JSON object (scene hash, size,
// fps, frames, crf, ...). Returns the JSON text and sets *hash to its hash.
std::string render_identity(const std::vector<std::pair<std::string, std::string>>& settings, std::string* hash);

// 64-bit FNV-1a as 16 hex digits.
std::string fnv1a_hex(const std::string& bytes);

// "<folder>/<stem>.f000120-000239.mmrpart"
std::string part_path(const std::string& folder, const std::string& stem, int64_t first, int64_t last);

// Writes a part (the header is completed with the stream's parameters by stream()).
std::unique_ptr<PacketSink> open_part_writer(const std::string& path, const PartHeader& header);

// Reads a part's header and checks the whole file (end record, count, hash); with
// `on_packet`, hands every packet to it. Throws ShardError naming the file.
PartHeader read_part(const std::string& path, const std::function<void(const Packet&)>& on_packet = nullptr);

// True if `path` is a complete part of render `render` covering first..last.
bool part_complete(const std::string& path, const std::string& render, int64_t first, int64_t last);

// mmr join: the parts in `inputs` (part files, or folders whose *.mmrpart files are
// taken) must be of one render and cover its frames exactly once; their packets are
// muxed, without re-encoding, into `output` (.mp4), byte-identical to a single
// render. Throws ShardError naming missing or duplicated frames, foreign, truncated
// parts; nothing is left at `output` then.
struct JoinStats {
    int parts = 0;
    int64_t frames = 0;
};
JoinStats join_parts(const std::vector<std::string>& inputs, const std::string& output);

}  // namespace mmr::shard
