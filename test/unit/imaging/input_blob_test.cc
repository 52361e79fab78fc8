#include "imaging/input_blob.h"

#include <gtest/gtest.h>

#include <opencv2/dnn.hpp>

namespace tilsyn::imaging {
namespace {

cv::Mat RandomCanvas(int w, int h) {
  cv::Mat canvas(h, w, CV_8UC3);
  cv::RNG rng(12);
  rng.fill(canvas, cv::RNG::UNIFORM, 0, 256);
  return canvas;
}

// The largest absolute difference between two blobs of the same shape.
double MaxDiff(const cv::Mat& a, const cv::Mat& b) {
  EXPECT_EQ(a.size, b.size);
  const cv::Mat fa(1, static_cast<int>(a.total()), CV_32F, const_cast<float*>(a.ptr<float>()));
  const cv::Mat fb(1, static_cast<int>(b.total()), CV_32F, const_cast<float*>(b.ptr<float>()));
  return cv::norm(fa, fb, cv::NORM_INF);
}

TEST(NchwBlob, EqualsOpenCvsBlobFromImageWithChannelsSwapped) {
  const cv::Mat canvas = RandomCanvas(37, 23);  // odd sizes: no row padding assumed
  ModelInput in;
  in.scale = 1.0 / 255;
  in.mean = {10, 20, 30};  // in the network's (RGB) order
  in.swap_rb = true;
  const cv::Mat ours = NchwBlob(canvas, in);
  const cv::Mat theirs = cv::dnn::blobFromImage(canvas, in.scale, canvas.size(),
                                                cv::Scalar(10, 20, 30), /*swapRB=*/true, false);
  EXPECT_LT(MaxDiff(ours, theirs), 1e-5);
  // and pins the order: the first plane is the red channel
  const cv::Vec3b p = canvas.at<cv::Vec3b>(0, 0);
  EXPECT_NEAR(ours.ptr<float>()[0], (p[2] - 10) / 255.0, 1e-6);
}

TEST(NchwBlob, EqualsBlobFromImageInBgrOrderWithAScale) {
  const cv::Mat canvas = RandomCanvas(64, 48);
  ModelInput in;
  in.scale = 0.5;
  in.mean = {104, 117, 123};
  in.swap_rb = false;
  const cv::Mat theirs = cv::dnn::blobFromImage(canvas, in.scale, canvas.size(),
                                                cv::Scalar(104, 117, 123), false, false);
  EXPECT_LT(MaxDiff(NchwBlob(canvas, in), theirs), 1e-4);
}

TEST(NchwBlob, AShortMeanCountsAsZeroForTheRest) {
  const cv::Mat canvas = RandomCanvas(8, 8);
  ModelInput in;
  in.mean = {};
  in.swap_rb = false;
  const cv::Mat theirs =
      cv::dnn::blobFromImage(canvas, in.scale, canvas.size(), cv::Scalar(), false, false);
  EXPECT_LT(MaxDiff(NchwBlob(canvas, in), theirs), 1e-6);
}

TEST(NhwcBlob, IsTheNchwBlobTransposed) {
  const cv::Mat canvas = RandomCanvas(9, 5);
  ModelInput in;
  in.scale = 1.0 / 127.5;
  in.mean = {127.5, 127.5, 127.5};
  in.swap_rb = true;
  const cv::Mat nhwc = NhwcBlob(canvas, in), nchw = NchwBlob(canvas, in);
  ASSERT_EQ(nhwc.size[1], 5);
  ASSERT_EQ(nhwc.size[2], 9);
  ASSERT_EQ(nhwc.size[3], 3);
  for (int y = 0; y < 5; ++y) {
    for (int x = 0; x < 9; ++x) {
      for (int c = 0; c < 3; ++c) {
        EXPECT_NEAR(nhwc.ptr<float>()[(y * 9 + x) * 3 + c], nchw.ptr<float>()[(c * 5 + y) * 9 + x],
                    1e-6);
      }
    }
  }
}

}  // namespace
}  // namespace tilsyn::imaging
