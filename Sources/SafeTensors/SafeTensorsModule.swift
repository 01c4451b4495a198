/// safetensors reader and writer (being written).
public enum SafeTensorsModule {}
