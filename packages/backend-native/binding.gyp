{
  "targets": [
    {
      "target_name": "fixclust_native",
      "sources": [
        "native/addon.cc",
        "native/elementwise.cc",
        "native/matmul.cc",
        "native/reduce.cc",
        "native/training_step.cc",
        "native/transpose.cc"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")"
      ],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags_cc": ["-O3", "-std=c++17", "-fno-math-errno", "-fno-trapping-math"],
      "libraries": ["-lopenblas"]
    }
  ]
}
