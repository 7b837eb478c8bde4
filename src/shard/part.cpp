#include "mmr/shard/part.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <unistd.h>
#include <map>
#include <nlohmann/json.hpp>

#include "../encode/sinks.h"  // create_temp_file
#include "mmr/core/interrupt.h"
#include "mmr/shard/shard.h"

namespace mmr::shard {
namespace {

const char kMagic[8] = {'M', 'M', 'R', 'P', 'A', 'R', 'T', '1'};
constexpr uint64_t kFnvOffset = 14695981039346656037ull, kFnvPrime = 1099511628211ull;
constexpr uint32_t kMaxHeader = 1 << 20;       // a header is a few hundred bytes
constexpr uint32_t kMaxPacket = 1u << 30;      // an H.264 frame is far smaller

[[noreturn]] void bad(const std::string& where, const std::string& what, const std::string& fix) {
    throw ShardError(format_error(where, what, fix));
}

struct Fnv {
    uint64_t h = kFnvOffset;
    void add(const void* p, size_t n) {
        const auto* b = static_cast<const unsigned char*>(p);
        for (size_t i = 0; i < n; ++i) h = (h ^ b[i]) * kFnvPrime;
    }
};

std::string hex64(uint64_t v) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", (unsigned long long)v);
    return buf;
}

nlohmann::json stream_json(const StreamInfo& s) {
    static const char* hex = "0123456789abcdef";
    std::string extradata;
    for (uint8_t b : s.extradata) extradata += hex[b >> 4], extradata += hex[b & 15];
    return {{"codec", s.codec},
            {"codec_id", s.codec_id},
            {"format", s.format},
            {"width", s.width},
            {"height", s.height},
            {"fps", {s.fps_num, s.fps_den}},
            {"sar", {s.sar_num, s.sar_den}},
            {"color", {s.color_range, s.color_space, s.color_primaries, s.color_trc, s.chroma_location}},
            {"field_order", s.field_order},
            {"profile", s.profile},
            {"level", s.level},
            {"video_delay", s.video_delay},
            {"bits_per_raw_sample", s.bits_per_raw_sample},
            {"extradata", extradata}};
}

StreamInfo stream_from_json(const nlohmann::json& j) {
    StreamInfo s;
    s.codec = j.at("codec").get<std::string>();
    s.codec_id = j.at("codec_id");
    s.format = j.at("format");
    s.width = j.at("width");
    s.height = j.at("height");
    s.fps_num = j.at("fps").at(0);
    s.fps_den = j.at("fps").at(1);
    s.sar_num = j.at("sar").at(0);
    s.sar_den = j.at("sar").at(1);
    const auto& c = j.at("color");
    s.color_range = c.at(0), s.color_space = c.at(1), s.color_primaries = c.at(2), s.color_trc = c.at(3);
    s.chroma_location = c.at(4);
    s.field_order = j.at("field_order");
    s.profile = j.at("profile");
    s.level = j.at("level");
    s.video_delay = j.at("video_delay");
    s.bits_per_raw_sample = j.at("bits_per_raw_sample");
    const std::string x = j.at("extradata").get<std::string>();
    if (x.size() % 2) throw std::runtime_error("odd extradata");
    for (size_t i = 0; i < x.size(); i += 2) s.extradata.push_back(uint8_t(std::stoi(x.substr(i, 2), nullptr, 16)));
    return s;
}

template <class T>
void put(std::string& out, T v) {
    out.append(reinterpret_cast<const char*>(&v), sizeof v);  // little-endian hosts (x86-64, arm64)
}

class PartWriter : public PacketSink {
public:
    PartWriter(const std::string& path, const PartHeader& header) : path_(path), header_(header) {}
    ~PartWriter() override { abort(); }

    void stream(const StreamInfo& info) override {
        header_.stream = info;
        {
            interrupt::Hold hold;
            tmp_ = encode_detail::create_temp_file(path_, ".mmrpart");
            registered_ = interrupt::TempRegistration(tmp_);
        }
        file_ = std::fopen(tmp_.c_str(), "wb");
        if (!file_) bad(path_, std::string("cannot write (") + std::strerror(errno) + ")", "");
        nlohmann::json j = {{"mmr_part", 1},
                            {"render", header_.render},
                            {"identity", nlohmann::json::parse(header_.identity)},
                            {"render_frames", {header_.render_first, header_.render_last}},
                            {"frames", {header_.first, header_.last}},
                            {"segment_frames", header_.segment_frames},
                            {"shard", header_.shard},
                            {"stream", stream_json(info)}};
        const std::string text = j.dump();
        std::string out(kMagic, sizeof kMagic);
        put(out, uint32_t(text.size()));
        out += text;
        emit(out);
    }

    void packet(const Packet& p) override {
        std::string out = "P";
        put(out, p.pts);
        put(out, p.dts);
        put(out, p.duration);
        put(out, uint8_t(p.key ? 1 : 0));
        put(out, uint32_t(p.data.size()));
        emit(out);
        emit(std::string(reinterpret_cast<const char*>(p.data.data()), p.data.size()));
        ++count_;
    }

    void finish() override {
        try {
            if (!file_) bad(path_, "no frames to write", "");
            std::string out = "E";
            put(out, count_);
            const uint64_t h = fnv_.h;
            put(out, h);
            emit(out);
            const bool ok = std::fflush(file_) == 0 && fsync(fileno(file_)) == 0;
            const int e = errno;
            std::fclose(file_);
            file_ = nullptr;
            if (!ok) bad(path_, std::string("cannot write (") + std::strerror(e) + ")", "");
            interrupt::Hold hold;
            if (std::rename(tmp_.c_str(), path_.c_str()) != 0)
                bad(path_, std::string("cannot write (") + std::strerror(errno) + ")", "");
            registered_.reset();
            tmp_.clear();
        } catch (...) {
            abort();
            throw;
        }
    }

    void abort() noexcept override {
        if (file_) std::fclose(file_);
        file_ = nullptr;
        if (!tmp_.empty()) std::remove(tmp_.c_str());
        tmp_.clear();
        registered_.reset();
    }

    std::string description() const override { return "part " + path_; }

private:
    void emit(const std::string& bytes) {
        fnv_.add(bytes.data(), bytes.size());
        if (!bytes.empty() && std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size())
            bad(path_, std::string("cannot write (") + std::strerror(errno) + ")", "");
    }

    std::string path_, tmp_;
    PartHeader header_;
    interrupt::TempRegistration registered_;
    std::FILE* file_ = nullptr;
    Fnv fnv_;
    uint64_t count_ = 0;
};

class Reader {
public:
    explicit Reader(const std::string& path) : path_(path), in_(path, std::ios::binary) {
        if (!in_) bad(path, std::string("cannot read (") + std::strerror(errno) + ")", "check the path");
    }
    // Reads n bytes into out; false at the end of the file.
    bool read(void* out, size_t n, bool hash = true) {
        in_.read(static_cast<char*>(out), std::streamsize(n));
        if (size_t(in_.gcount()) != n) return false;
        if (hash) fnv_.add(out, n);
        return true;
    }
    template <class T>
    T get() {
        T v{};
        if (!read(&v, sizeof v)) truncated();
        return v;
    }
    [[noreturn]] void truncated() {
        bad(path_, "is truncated or damaged (it ends before its end record)",
            "render that shard again (mmr render ... --shard I/N)");
    }
    uint64_t hash() const { return fnv_.h; }

private:
    std::string path_;
    std::ifstream in_;
    Fnv fnv_;
};

bool is_dir(const std::string& p) {
    struct stat st;
    return stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string range_text(int64_t a, int64_t b) {
    return a == b ? "frame " + std::to_string(a) : "frames " + std::to_string(a) + "-" + std::to_string(b);
}

// The first setting in which two identity objects differ, as "crf 23 here, 20 in the other".
std::string identity_difference(const std::string& a_text, const std::string& b_text) {
    const auto a = nlohmann::json::parse(a_text), b = nlohmann::json::parse(b_text);
    for (auto it = a.begin(); it != a.end(); ++it) {
        const auto other = b.find(it.key());
        if (other == b.end()) return it.key() + " is only in one";
        if (*other != it.value()) return it.key() + " " + it.value().dump() + ", not " + other->dump();
    }
    for (auto it = b.begin(); it != b.end(); ++it)
        if (!a.contains(it.key())) return it.key() + " is only in one";
    return "their identities differ";
}

}  // namespace

std::string fnv1a_hex(const std::string& bytes) {
    Fnv f;
    f.add(bytes.data(), bytes.size());
    return hex64(f.h);
}

std::string render_identity(const std::vector<std::pair<std::string, std::string>>& settings, std::string* hash) {
    nlohmann::ordered_json j = nlohmann::ordered_json::object();
    for (const auto& [k, v] : settings) j[k] = v;
    const std::string text = j.dump();
    if (hash) *hash = fnv1a_hex(text);
    return text;
}

std::string part_path(const std::string& folder, const std::string& stem, int64_t first, int64_t last) {
    char range[64];
    std::snprintf(range, sizeof range, ".f%06lld-%06lld.mmrpart", (long long)first, (long long)last);
    std::string dir = folder;
    while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
    return dir + "/" + stem + range;
}

std::unique_ptr<PacketSink> open_part_writer(const std::string& path, const PartHeader& header) {
    return std::make_unique<PartWriter>(path, header);
}

PartHeader read_part(const std::string& path, const std::function<void(const Packet&)>& on_packet) {
    Reader r(path);
    char magic[8];
    if (!r.read(magic, sizeof magic) || std::memcmp(magic, kMagic, sizeof magic) != 0)
        bad(path, "is not an mmr part (it does not start with MMRPART1)",
            "give the folder or the .mmrpart files that mmr render --shard wrote");
    const uint32_t n = r.get<uint32_t>();
    if (n > kMaxHeader) r.truncated();
    std::string text(n, '\0');
    if (!r.read(&text[0], n)) r.truncated();
    PartHeader h;
    try {
        const auto j = nlohmann::json::parse(text);
        if (j.at("mmr_part") != 1) bad(path, "is a part of another version of mmr", "render it again with this mmr");
        h.render = j.at("render").get<std::string>();
        h.identity = j.at("identity").dump();
        h.render_first = j.at("render_frames").at(0);
        h.render_last = j.at("render_frames").at(1);
        h.first = j.at("frames").at(0);
        h.last = j.at("frames").at(1);
        h.segment_frames = j.at("segment_frames");
        h.shard = j.at("shard").get<std::string>();
        h.stream = stream_from_json(j.at("stream"));
    } catch (const ShardError&) {
        throw;
    } catch (const std::exception&) {
        bad(path, "has a damaged header", "render that shard again (mmr render ... --shard I/N)");
    }
    uint64_t count = 0, before_end = 0;
    for (;;) {
        char tag = 0;
        before_end = r.hash();  // the stored hash covers every byte before the 'E' tag
        if (!r.read(&tag, 1)) r.truncated();
        if (tag == 'E') break;
        if (tag != 'P') r.truncated();
        Packet p;
        p.pts = r.get<int64_t>();
        p.dts = r.get<int64_t>();
        p.duration = r.get<int64_t>();
        p.key = r.get<uint8_t>() != 0;
        const uint32_t size = r.get<uint32_t>();
        if (size > kMaxPacket) r.truncated();
        p.data.resize(size);
        if (size && !r.read(p.data.data(), size)) r.truncated();
        ++count;
        if (on_packet) on_packet(p);
    }
    uint64_t stored_count = 0, stored_hash = 0;
    if (!r.read(&stored_count, sizeof stored_count, false) || !r.read(&stored_hash, sizeof stored_hash, false))
        r.truncated();
    if (stored_count != count || stored_hash != before_end)
        bad(path, "is damaged (its packets do not match the hash in its end record)",
            "render that shard again (mmr render ... --shard I/N)");
    char extra;
    if (r.read(&extra, 1, false))
        bad(path, "has bytes after its end record", "render that shard again (mmr render ... --shard I/N)");
    return h;
}

bool part_complete(const std::string& path, const std::string& render, int64_t first, int64_t last) {
    struct stat st;
    if (stat(path.c_str(), &st) != 0) return false;
    try {
        const PartHeader h = read_part(path);
        return h.render == render && h.first == first && h.last == last;
    } catch (const Error&) {
        return false;
    }
}

JoinStats join_parts(const std::vector<std::string>& inputs, const std::string& output) {
    if (output.size() < 4 || output.substr(output.size() - 4) != ".mp4")
        bad("-o " + output, "mmr join writes MP4", "name the output something.mp4");
    std::vector<std::string> files;
    for (const std::string& in : inputs) {
        if (!is_dir(in)) {
            files.push_back(in);
            continue;
        }
        DIR* d = opendir(in.c_str());
        if (!d) bad(in, std::string("cannot read the folder (") + std::strerror(errno) + ")", "");
        std::vector<std::string> found;
        while (dirent* e = readdir(d)) {
            const std::string name = e->d_name;
            if (name[0] != '.' && name.size() > 8 && name.substr(name.size() - 8) == ".mmrpart")
                found.push_back((in.back() == '/' ? in : in + "/") + name);
        }
        closedir(d);
        if (found.empty())
            bad(in, "holds no parts (*.mmrpart)", "give the folder that mmr render -o FOLDER --shard wrote into");
        std::sort(found.begin(), found.end());
        files.insert(files.end(), found.begin(), found.end());
    }
    if (files.empty()) bad("mmr join", "no parts given", "give a folder of parts or .mmrpart files");

    std::vector<std::pair<PartHeader, std::string>> parts;
    for (const std::string& f : files) parts.emplace_back(read_part(f), f);
    const PartHeader& h0 = parts[0].first;
    for (const auto& [h, f] : parts)
        if (h.render != h0.render)
            bad(f, "is a part of another render than " + parts[0].second + " (" +
                       identity_difference(h.identity, h0.identity) + ")",
                "join the parts of one render only: same scene and options");
    std::stable_sort(parts.begin(), parts.end(),
                     [](const auto& a, const auto& b) { return a.first.first < b.first.first; });
    // Every frame once: name the first gap or overlap.
    int64_t next = h0.render_first;
    std::string prev_file;
    for (const auto& [h, f] : parts) {
        if (h.first > next)
            bad("mmr join", range_text(next, h.first - 1) + " are missing (no part covers them)",
                "render the shard that covers them, then join again");
        if (h.first < next)
            bad(f, "repeats " + range_text(h.first, std::min(h.last, next - 1)) + ", also in " + prev_file,
                "remove one of the two (parts of renders with different shard counts?)");
        next = h.last + 1;
        prev_file = f;
    }
    if (next <= h0.render_last)
        bad("mmr join", range_text(next, h0.render_last) + " are missing (no part covers them)",
            "render the shard that covers them, then join again");

    JoinStats st;
    auto muxer = open_mp4_muxer(output);
    try {
        muxer->stream(h0.stream);
        for (const auto& [h, f] : parts) {
            read_part(f, [&](const Packet& p) { muxer->packet(p); });
            ++st.parts;
        }
        muxer->finish();
    } catch (...) {
        muxer->abort();
        throw;
    }
    st.frames = h0.render_last - h0.render_first + 1;
    return st;
}

}  // namespace mmr::shard
