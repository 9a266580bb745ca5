from mlnews.cli import main

# The guard matters: worker processes started with "spawn" import this module again.
if __name__ == "__main__":
    main()
