// sdgen: storage test data with exact, verifiable dedup and compression ratios.
//
// The front door: one include for the whole public API. Each header states its own contracts
// (determinism, thread safety, units, edges); docs/DESIGN.md has the map of the parts.
//
//   spec.hpp       DataSpec (ratios and their units) and DatasetLayout (object count and sizes)
//   generator.hpp  DataGenerator: any byte of any object, random access or streaming
//   source.hpp     ObjectSource, what the pipeline writes; ObjectSelection, which objects a run covers
//   dataset.hpp    names, the generator as a source, the put / read-back policy
//   manifest.hpp   the manifest recorded beside a dataset
//   storage.hpp    Storage backends by URI (file, direct, null, stdout, s3, ...)
//   pipeline.hpp   the bounded put / get pipeline
//   verify.hpp     comparison of read-back bytes with the source
//   analyze.hpp    measured dedup and compression of any data
//   report.hpp     the results documents (JSON)
//   codec.hpp, size.hpp, latency.hpp, fill_threads.hpp, selftest.hpp, error.hpp
//
// Errors: every fallible call throws sdgen::Error (error.hpp) with a one-line message.
#pragma once

#include "sdgen/analyze.hpp"
#include "sdgen/codec.hpp"
#include "sdgen/dataset.hpp"
#include "sdgen/error.hpp"
#include "sdgen/fill_threads.hpp"
#include "sdgen/generator.hpp"
#include "sdgen/latency.hpp"
#include "sdgen/manifest.hpp"
#include "sdgen/pipeline.hpp"
#include "sdgen/report.hpp"
#include "sdgen/selftest.hpp"
#include "sdgen/size.hpp"
#include "sdgen/source.hpp"
#include "sdgen/spec.hpp"
#include "sdgen/storage.hpp"
#include "sdgen/verify.hpp"
