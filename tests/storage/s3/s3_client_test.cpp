// The S3 client's encodings, without a server: names in listings asked for with encoding-type=url.
#include "storage/s3/s3_client.hpp"

#include <gtest/gtest.h>

#include "sdgen/error.hpp"

namespace sdgen::s3 {
namespace {

TEST(UrlDecode, FormEncodingAsS3AndMotoWriteIt) {
  EXPECT_EQ(url_decode("a+b"), "a b");    // S3 writes ' ' as '+'
  EXPECT_EQ(url_decode("a%20b"), "a b");  // moto as %20
  EXPECT_EQ(url_decode("a%2Bb%2bc"), "a+b+c");
  EXPECT_EQ(url_decode("100%25"), "100%");
  EXPECT_EQ(url_decode("caf%C3%A9/%E6%97%A5"), "caf\xc3\xa9/\xe6\x97\xa5");
  EXPECT_EQ(url_decode("%00%01%0D%0A%7F"), std::string("\x00\x01\r\n\x7f", 5));
  EXPECT_EQ(url_decode(""), "");
  EXPECT_EQ(url_decode("dir/plain-name_1.dat~"), "dir/plain-name_1.dat~");
  for (const char* bad : {"%", "%4", "a%4", "%G1", "%1G", "%%41"}) EXPECT_EQ(url_decode(bad), std::nullopt) << bad;
}

TEST(UrlDecode, EveryByteRoundTripsThroughUriEncode) {
  std::string all;
  for (int byte = 0; byte < 256; ++byte) all += static_cast<char>(byte);
  EXPECT_EQ(url_decode(uri_encode(all, true)), all);
  EXPECT_EQ(url_decode(uri_encode(all, false)), all);
}

TEST(ListedName, DecodedOnlyWhenTheAnswerSaysSo) {
  EXPECT_EQ(listed_name("a+b%2B", true, "ListObjectsV2 s3://b/"), "a b+");
  EXPECT_EQ(listed_name("a+b%2B", false, "ListObjectsV2 s3://b/"), "a+b%2B");  // a store that ignored encoding-type
  try {
    listed_name("bad%zz", true, "ListObjectsV2 s3://b/p");
    ADD_FAILURE() << "a bad escape was accepted";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::io);
    EXPECT_STREQ(error.what(), "ListObjectsV2 s3://b/p: badly encoded name 'bad%zz' in the answer");
  }
}

}  // namespace
}  // namespace sdgen::s3
