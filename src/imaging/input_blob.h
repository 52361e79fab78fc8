// The network input tensors a detector is fed: the letterboxed/resized canvas (8-bit BGR) as
// float, (pixel - mean) * scale per channel, channels swapped to RGB where the model wants it.
#pragma once

#include <opencv2/core.hpp>

#include "imaging/model_pack.h"

namespace tilsyn::imaging {

// NCHW [1, 3, H, W]: what cv::dnn::blobFromImage(canvas, scale, size, mean, swap_rb) computes
// (the mean in the network's channel order), in one pass over the pixels. OpenCV 4.6's
// blobFromImage took about 75 ms of one core for a 1280x736 canvas, as long as the forward
// pass of the network it fed.
cv::Mat NchwBlob(const cv::Mat& canvas, const ModelInput& in);

// NHWC [1, H, W, 3] (TensorFlow-style graphs such as BlazeFace): one mean for all channels.
cv::Mat NhwcBlob(const cv::Mat& canvas, const ModelInput& in);

}  // namespace tilsyn::imaging
