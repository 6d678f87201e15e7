"""The Qt desktop face of 绩效自评助手. It depends on core/, never the reverse."""
